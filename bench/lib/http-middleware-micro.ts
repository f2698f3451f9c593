/**
 * CPU cost of each gateway middleware in isolation, without sockets: every iteration builds a
 * real http.IncomingMessage / ServerResponse pair (GET, no body), runs the middleware on it (and
 * for the access log emits "finish" as Node would), and the time of building the pair alone is
 * subtracted. Single process, so far less noisy than load tests on a shared machine; it measures
 * the middleware's own work, not what it does to the socket writes.
 *
 *   node_modules/.bin/tsx bench/lib/http-middleware-micro.ts [iterations=200000]
 */
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import express, { type RequestHandler } from "express";
import helmet from "helmet";
import pino from "pino";
import { Limits } from "../../shared/limits";
import { accessLog } from "../../server/gateway/middleware/access-log";
import { requestId } from "../../server/gateway/middleware/request-id";
import { captureHelmetHeaders } from "../../server/gateway/middleware/security-headers";
import { createLogger } from "../../server/lib/logger";
import { createMetrics } from "../../server/lib/metrics";

/** helmet's headers computed once and set by one middleware (the alternative to helmet() measured here). */
function precomputedHelmet(): RequestHandler {
  const { set, removed } = captureHelmetHeaders();
  return (_req, res, next) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

function pair(): { req: http.IncomingMessage; res: http.ServerResponse } {
  const req = new http.IncomingMessage(new net.Socket());
  req.method = "GET";
  req.url = "/me";
  req.headers = { host: "127.0.0.1", "user-agent": "autocannon", authorization: "Bearer x.y.z" };
  const res = new http.ServerResponse(req);
  Object.assign(res, { locals: {} });
  Object.assign(req, { originalUrl: req.url });
  return { req, res };
}

/** Runs in batches of 500, yielding between them so the logger's asynchronous writes happen (and are counted). */
async function cost(n: number, mw: RequestHandler | undefined, finish = false): Promise<number> {
  const batch = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const { req, res } = pair();
      if (mw) mw(req as never, res as never, () => undefined);
      if (finish) res.emit("finish");
    }
    await new Promise((resolve) => setImmediate(resolve));
  };
  for (let i = 0; i < 20_000; i += 500) await batch(500);
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i += 500) await batch(500);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / n;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 200_000);
  // pino's default destination is an asynchronous SonicBoom on fd 1; here the same on /dev/null.
  const logger = createLogger("info", pino.destination({ fd: fs.openSync("/dev/null", "w"), sync: false }));
  const metrics = createMetrics();
  const base = await cost(n, undefined);
  const baseFinish = await cost(n, undefined, true);
  console.log(`${n} iterations; building the request/response pair: ${base.toFixed(2)} µs (subtracted)`);
  const row = async (label: string, mw: RequestHandler, finish = false) => {
    const us = (await cost(n, mw, finish)) - (finish ? baseFinish : base);
    console.log(`${label.padEnd(56)} ${us.toFixed(2).padStart(7)} µs/request`);
  };
  await row("request-id", requestId);
  await row("access-log (pino info to /dev/null, metrics)", accessLog(logger, metrics), true);
  // The access log's parts: the pino call with the server's redaction, and without it (comparison only).
  const line = { requestId: "0f8e2c1e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", method: "GET", path: "/me", status: 200, ms: 1 };
  const unredacted = pino({ level: "info", base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: fs.openSync("/dev/null", "w"), sync: false }));
  await row("  of which the pino line (server logger, redaction on)", () => logger.info(line, "http request"));
  await row("  the same line without redaction (comparison only)", () => unredacted.info(line, "http request"));
  await row("helmet()", helmet());
  await row("helmet's headers precomputed, one middleware", precomputedHelmet());
  await row("express.json (GET, no body)", express.json({ limit: Limits.httpBodyMaxBytes, strict: true }));
}

void main();
