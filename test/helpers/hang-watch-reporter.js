// @ts-check
"use strict";
/**
 * A Jest reporter that turns a hung test file into a fast, named failure. Every test and hook has a
 * timeout, but a worker whose event loop is blocked (or a file stuck outside its tests) never
 * reports one, and the run would wait until CI gives up. A file that runs longer than
 * `warnSeconds` is named on stderr; past `limitSeconds` the files still running and the process
 * tree under Jest (state, kernel wait channel, command line) are printed and the run exits with
 * status 1. To see where a stuck worker's JavaScript is, attach with `node inspect -p <pid>`.
 */
const fs = require("node:fs");
const path = require("node:path");

/** This process's descendants (Jest workers and what they started), one line each, from /proc. */
function processTree() {
  /** @type {Map<number, {ppid: number, state: string, line: string}>} */
  const procs = new Map();
  for (const name of fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, "utf8").replace(/\0/g, " ").trim().slice(0, 160);
      const wchan = fs.readFileSync(`/proc/${name}/wchan`, "utf8");
      procs.set(Number(name), { ppid: Number(ppid), state: state ?? "?", line: `${name} ${state} wchan=${wchan || "-"} ${cmd}` });
    } catch {
      // gone, or not readable
    }
  }
  const lines = [];
  const walk = (/** @type {number} */ pid, /** @type {string} */ indent) => {
    for (const [child, info] of procs) {
      if (info.ppid !== pid) continue;
      lines.push(indent + info.line);
      walk(child, indent + "  ");
    }
  };
  walk(process.pid, "  ");
  return lines;
}

class HangWatchReporter {
  /** @param {unknown} _globalConfig @param {{warnSeconds?: number, limitSeconds?: number}} options */
  constructor(_globalConfig, options = {}) {
    this.warnMs = (options.warnSeconds ?? 180) * 1000;
    this.limitMs = (options.limitSeconds ?? 600) * 1000;
    /** @type {Map<string, {since: number, warned: boolean}>} */
    this.running = new Map();
    this.timer = undefined;
    this.failing = false;
  }

  onRunStart() {
    this.timer = setInterval(() => this.check(), 10_000);
    this.timer.unref();
  }

  /** @param {{path: string}} test */
  onTestFileStart(test) {
    this.running.set(test.path, { since: Date.now(), warned: false });
  }

  /** @param {{path: string}} test */
  onTestFileResult(test) {
    this.running.delete(test.path);
  }

  onRunComplete() {
    clearInterval(this.timer);
  }

  check() {
    const now = Date.now();
    for (const [file, entry] of this.running) {
      const ran = now - entry.since;
      const name = path.relative(process.cwd(), file);
      if (ran >= this.limitMs && !this.failing) {
        this.failing = true;
        const running = [...this.running].map(([f, e]) => `${path.relative(process.cwd(), f)} (${Math.round((now - e.since) / 1000)} s)`);
        process.stderr.write(
          `\n[hang-watch] ${name} has run for ${Math.round(ran / 1000)} s (limit ${this.limitMs / 1000} s); failing the run.\n` +
            `[hang-watch] files still running: ${running.join(", ")}\n[hang-watch] processes under Jest:\n${processTree().join("\n")}\n`,
        );
        setTimeout(() => process.exit(1), 5_000);
      } else if (ran >= this.warnMs && !entry.warned) {
        entry.warned = true;
        process.stderr.write(`\n[hang-watch] ${name} is still running after ${Math.round(ran / 1000)} s\n`);
      }
    }
  }
}

module.exports = HangWatchReporter;
