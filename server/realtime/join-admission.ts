import type { Presence } from "@colyseus/core";
import { newId } from "../lib/ids";
import type { AdmissionGate } from "../lib/admission-gate";

/** The channel on which a process is told that a join it admitted finished on another process. */
const doneChannel = (processId: string): string => `lobby:join-admission:${processId}`;

/**
 * Admission control for lobby joins. A join is two steps on the wire: the matchmake request
 * (onAuth: token check, seat reserved) and the WebSocket (onJoin: the join snapshot, presence,
 * the first messages). A slot of the gate is taken in onAuth and given back when that seat's
 * onJoin is done: here, or (the seat was in a room on another process) by a message from that
 * process. A seat never used gives its slot back after `holdMs` (the seat reservation time).
 */
export class JoinAdmission {
  private readonly held = new Map<string, { release: () => void; timer: NodeJS.Timeout }>();
  private readonly onRemoteDone = (ticket: unknown) => {
    if (typeof ticket === "string") this.release(ticket);
  };

  constructor(
    private readonly gate: AdmissionGate,
    private readonly holdMs: number,
    private readonly presence: Presence,
    private readonly processId: string,
  ) {}

  /** Listens for joins this process admitted that finish elsewhere. */
  async start(): Promise<void> {
    await this.presence.subscribe(doneChannel(this.processId), this.onRemoteDone);
  }

  stop(): void {
    this.presence.unsubscribe(doneChannel(this.processId), this.onRemoteDone);
  }

  /** Waits for a slot (or throws AppError server_busy); returns the ticket to hand to `done`. */
  admit(): Promise<string> {
    return new Promise<string>((admitted, refused) => {
      this.gate
        .run(
          () =>
            new Promise<void>((release) => {
              const ticket = `${this.processId}|${newId()}`;
              const timer = setTimeout(() => this.release(ticket), this.holdMs);
              timer.unref();
              this.held.set(ticket, { release, timer });
              admitted(ticket);
            }),
        )
        .catch(refused);
    });
  }

  /** The join of `ticket` finished (or failed), on whichever process: its slot goes to the next one waiting. */
  done(ticket: string | undefined): void {
    if (!ticket) return;
    const owner = ticket.slice(0, ticket.lastIndexOf("|"));
    if (owner === this.processId) {
      this.release(ticket);
      return;
    }
    // Best effort: if the message is lost, the owner's hold timer frees the slot.
    void Promise.resolve(this.presence.publish(doneChannel(owner), ticket)).catch(() => undefined);
  }

  private release(ticket: string): void {
    const slot = this.held.get(ticket);
    if (!slot) return;
    this.held.delete(ticket);
    clearTimeout(slot.timer);
    slot.release();
  }
}
