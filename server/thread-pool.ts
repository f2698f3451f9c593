import os from "node:os";

/**
 * Sizes libuv's thread pool, where @node-rs/argon2 hashes (napi AsyncTask -> uv_queue_work), to
 * PASSWORD_HASH_THREADS (default: the machine's cores, at least 4), the same rule as
 * config.passwordHashThreads. libuv reads UV_THREADPOOL_SIZE once, when the pool is first used
 * (the first async fs call, DNS lookup or hash), so this must run before anything else: it is
 * server/main.ts's first import, and has no imports of its own beyond node:os. An invalid value
 * is left for loadConfig to report.
 */
export function applyThreadPoolSize(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.PASSWORD_HASH_THREADS;
  const size = raw === undefined || raw === "" ? Math.max(4, os.availableParallelism()) : Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > 1024) return undefined;
  env.UV_THREADPOOL_SIZE = String(size);
  return size;
}

applyThreadPoolSize();
