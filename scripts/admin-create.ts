/**
 * `npm run admin:create -- --username alice --role moderator` (viewer, moderator or admin)
 *
 * Creates an operator account, or gives an existing account that role and a new password. The
 * password comes from ADMIN_PASSWORD or, when unset, a prompt on stdin (not echoed on a TTY).
 * There is no default password. Uses the same configuration as the server (DATABASE_URL, or the
 * embedded store in DATA_DIR when no server is running on it).
 */
import readline from "node:readline";
import { Writable } from "node:stream";
import { loadConfig } from "../server/config";
import { openDatabase } from "../server/db/database";
import { createLogger } from "../server/lib/logger";
import { AdminRepo } from "../server/modules/admin/admin.repo";
import { ensureOperatorAccount } from "../server/modules/admin/admin.service";
import { createArgon2Hasher } from "../server/modules/auth/password-hasher";
import { OperatorRoleSchema, type OperatorRole } from "../shared/schemas/admin";

function parseArgs(argv: string[]): { username: string; role: OperatorRole } {
  let username: string | undefined;
  let role = "moderator";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === "--username") username = value();
    else if (flag === "--role") role = value() ?? "";
    else throw new Error(`unknown argument ${arg} (usage: --username <name> [--role viewer|moderator|admin])`);
  }
  if (!username) throw new Error("--username is required (usage: --username <name> [--role viewer|moderator|admin])");
  const parsed = OperatorRoleSchema.safeParse(role.toLowerCase());
  if (!parsed.success) throw new Error("--role must be viewer, moderator or admin");
  return { username, role: parsed.data };
}

async function promptPassword(): Promise<string> {
  const muted = new Writable({ write: (_chunk, _enc, cb) => cb() });
  const tty = process.stdin.isTTY;
  const rl = readline.createInterface({ input: process.stdin, output: tty ? muted : process.stdout, terminal: tty });
  if (tty) process.stdout.write("Operator password: ");
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once("line", resolve);
      rl.once("close", () => reject(new Error("no password given (set ADMIN_PASSWORD or type it on stdin)")));
    });
  } finally {
    if (tty) process.stdout.write("\n");
    rl.close();
  }
}

async function main(): Promise<void> {
  const { username, role } = parseArgs(process.argv.slice(2));
  const password = process.env.ADMIN_PASSWORD || (await promptPassword());
  // ADMIN_USERNAME is the start-time operator; this script names its own.
  const config = loadConfig({ ...process.env, ADMIN_USERNAME: undefined, ADMIN_PASSWORD: undefined });
  const logger = createLogger("warn");
  const db = await openDatabase(config.database, { migrate: config.migrateOnStart, logger });
  try {
    const result = await ensureOperatorAccount(new AdminRepo(db.prisma), createArgon2Hasher(config.passwordHashCost), username, password, role);
    console.log(`${result.created ? "created" : "updated"} operator ${username} (${role}), id ${result.id}`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
