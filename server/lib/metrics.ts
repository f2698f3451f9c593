import type { AdmissionObserver } from "./admission-gate";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export type Metrics = ReturnType<typeof createMetrics>;

/** Reports an AdmissionGate's counts as the lobby_admission_* metrics of `gate`. */
export function admissionObserver(metrics: Metrics, gate: "join" | "login"): AdmissionObserver {
  return {
    changed(inFlight, queued) {
      metrics.admissionInFlight.set({ gate }, inFlight);
      metrics.admissionQueued.set({ gate }, queued);
    },
    refused(reason) {
      metrics.admissionRefused.inc({ gate, reason });
    },
  };
}

/** One registry per server instance (tests run several in a process). */
export function createMetrics() {
  const registry = new Registry();
  /** Read at scrape time; set once the services exist. */
  const sources: {
    queueWaiting?: () => Promise<{ mode: string; region: string; players: number }[]>;
    dbQueries?: () => number;
    chatDeferredStreams?: () => number;
  } = {};
  collectDefaultMetrics({ register: registry, prefix: "lobby_" });
  return {
    registry,
    httpRequests: new Counter({
      name: "lobby_http_requests_total",
      help: "HTTP requests answered, by method, route and status code.",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "lobby_http_request_duration_seconds",
      help: "HTTP request duration.",
      labelNames: ["method", "route"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    connectedClients: new Gauge({
      name: "lobby_connected_clients",
      help: "Realtime clients connected to rooms on this process, by room name.",
      labelNames: ["room"] as const,
      registers: [registry],
    }),
    rooms: new Gauge({
      name: "lobby_rooms",
      help: "Rooms open on this process, by room name.",
      labelNames: ["room"] as const,
      registers: [registry],
    }),
    sessionsClosed: new Counter({
      name: "lobby_connections_closed_by_server_total",
      help: "Realtime connections the server closed, by reason.",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    matchesFormed: new Counter({
      name: "lobby_matches_formed_total",
      help: "Matches formed by this process' matcher ticks, by mode.",
      labelNames: ["mode"] as const,
      registers: [registry],
    }),
    backfills: new Counter({
      name: "lobby_backfills_total",
      help: "Backfill seats by mode and outcome (offered, filled, joined, no_show, requeued).",
      labelNames: ["mode", "outcome"] as const,
      registers: [registry],
    }),
    matchWait: new Histogram({
      name: "lobby_match_wait_seconds",
      help: "Time from queueing to a formed match, per player, by mode.",
      labelNames: ["mode"] as const,
      buckets: [1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 300],
      registers: [registry],
    }),
    matchQuality: new Histogram({
      name: "lobby_match_quality",
      help: "Predicted quality (OpenSkill draw probability) of formed matches, by mode.",
      labelNames: ["mode"] as const,
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers: [registry],
    }),
    queueWaiting: new Gauge({
      name: "lobby_queue_waiting_players",
      help: "Players waiting in matchmaking (all processes, read from the store at scrape), by mode and region.",
      labelNames: ["mode", "region"] as const,
      registers: [registry],
      async collect() {
        if (!sources.queueWaiting) return;
        try {
          const queues = await sources.queueWaiting();
          this.reset();
          for (const q of queues) this.set({ mode: q.mode, region: q.region }, q.players);
        } catch {
          // The store is unreachable: keep the last values (readiness reports the outage).
        }
      },
    }),
    admissionInFlight: new Gauge({
      name: "lobby_admission_in_flight",
      help: "Operations running past admission control, by gate (join, login).",
      labelNames: ["gate"] as const,
      registers: [registry],
    }),
    admissionQueued: new Gauge({
      name: "lobby_admission_queued",
      help: "Operations waiting in an admission queue, by gate (join, login).",
      labelNames: ["gate"] as const,
      registers: [registry],
    }),
    admissionRefused: new Counter({
      name: "lobby_admission_refused_total",
      help: "Operations refused with 503 server_busy, by gate and reason (queue_full, queue_timeout).",
      labelNames: ["gate", "reason"] as const,
      registers: [registry],
    }),
    backplaneUp: new Gauge({
      name: "lobby_backplane_up",
      help: "1 while every Redis connection of the process answers its health ping in time, 0 while one does not (no Redis: always 1).",
      registers: [registry],
    }),
    backplaneOutages: new Counter({
      name: "lobby_backplane_outages_total",
      help: "Times a Redis connection of the process stopped answering in time (each outage counted once).",
      registers: [registry],
    }),
    accountEventsQueued: new Gauge({
      name: "lobby_account_events_queued",
      help: "Account events (presence, parties, invites, matches, revocations) waiting for Redis to take them.",
      registers: [registry],
    }),
    accountEventsDropped: new Counter({
      name: "lobby_account_events_dropped_total",
      help: "Account events dropped because too many waited for Redis (receivers catch up when their subscriber reconnects).",
      registers: [registry],
    }),
    chatDeferredStreams: new Gauge({
      name: "lobby_chat_deferred_streams",
      help: "Chat channels whose newest stored message awaits publishing because Redis did not take it in time.",
      registers: [registry],
      collect() {
        if (sources.chatDeferredStreams) this.set(sources.chatDeferredStreams());
      },
    }),
    dbQueries: new Counter({
      name: "lobby_db_queries_total",
      help: "Statements sent to PostgreSQL (each one a database round trip).",
      registers: [registry],
      collect() {
        if (!sources.dbQueries) return;
        this.reset();
        this.inc(sources.dbQueries());
      },
    }),
    sources,
  };
}
