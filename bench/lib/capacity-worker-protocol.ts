import type { JoinTarget } from "./capacity-light-client";

/** How a batch of joins runs in a client process. */
export interface JoinOpts {
  /** Closed loop: joins in flight in this process. */
  concurrency: number;
  /** Keep-alive HTTP sockets for the matchmake requests of this batch. */
  httpSockets: number;
  maxAttempts: number;
  /** Per attempt: the matchmake request, and the socket until `welcome`. */
  timeoutMs: number;
  /** No new attempt after this long. */
  deadlineMs: number;
}

/** Parent -> client process; each is answered with the same id. */
export type WorkerRequest =
  | { id: number; op: "init"; tokens: string[] }
  | { id: number; op: "join"; label: string; target: JoinTarget; from: number; to: number; opts: JoinOpts }
  | { id: number; op: "storm"; label: string; target: JoinTarget; count: number; opts: JoinOpts & { spreadMs: number } }
  | { id: number; op: "topUp"; label: string; target: JoinTarget; to: number; opts: JoinOpts }
  | { id: number; op: "drop"; label: string }
  | { id: number; op: "status" }
  | { id: number; op: "stop" };

export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Times are epoch milliseconds (performance.timeOrigin + now), comparable across processes. */
export interface JoinBatchResult {
  startedAt: number;
  endedAt: number;
  lastWelcomeAt: number;
  latenciesMs: number[];
  /** 503 answers (server_busy), each followed by a backoff and a retry. */
  refusals: number;
  /** Other failed attempts (timeouts, errors, closes), each retried. */
  failures: number;
  /** Players that never got in. */
  failed: number;
  errors: Record<string, number>;
}

export interface StormBatchResult extends JoinBatchResult {
  droppedAt: number;
  dropped: number;
}

export interface WorkerStatus {
  held: Record<string, number>;
  unexpectedCloses: number;
  rssMb: number;
}
