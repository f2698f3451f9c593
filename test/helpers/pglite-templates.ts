import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Migrated embedded (PGlite) data directories, one per Jest worker of a run, that the contract
 * suites copy (test/contract/database-stores.ts). Named after the run's pid, so a run removes its
 * own at the end and the next run removes those of runs that were interrupted.
 */
const PREFIX = "lobby-pglite-template-r";

export function pgliteTemplateDir(runPid: string | undefined, workerId: string | undefined): string {
  return path.join(os.tmpdir(), `${PREFIX}${runPid ?? process.pid}-w${workerId ?? "0"}`);
}

/** Removes the templates of runs for which `keep(runPid)` is false. */
export function removePgliteTemplates(keep: (runPid: number) => boolean): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const runPid = Number(name.startsWith(PREFIX) ? name.slice(PREFIX.length).split("-")[0] : NaN);
    if (Number.isInteger(runPid) && !keep(runPid)) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}
