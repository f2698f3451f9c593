import fs from "node:fs";
import path from "node:path";

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `the data directory ${dir} is in use by process ${pid}; the embedded store serves one process ` +
        `(use another DATA_DIR, or set DATABASE_URL to share PostgreSQL; if no server is running, delete ${path.join(dir, LOCK_FILE)})`,
    );
    this.name = "DataDirLockedError";
  }
}

const LOCK_FILE = "lobby.lock";

/** A process that exited but was not reaped yet (a zombie) still answers kill(pid, 0): read its state. */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}

export const isProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
};

/**
 * PGlite has no lock of its own: two processes opening one data directory corrupt it. Takes an
 * exclusive lock file holding our pid; a lock left by a dead process is taken over.
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => {
        try {
          if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(file, "utf8"));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder)) {
        throw new DataDirLockedError(dir, holder);
      }
      fs.unlinkSync(file);
    }
  }
  throw new Error(`could not lock ${dir}`);
}
