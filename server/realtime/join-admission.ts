import { newId } from "../lib/ids";
import type { AdmissionGate } from "../lib/admission-gate";

/**
 * Admission control for lobby joins. A join is two steps on the wire: the matchmake request
 * (onAuth: token check, seat reserved) and the WebSocket (onJoin: the join snapshot, presence,
 * the first messages). A slot of the gate is taken in onAuth and given back when that seat's
 * onJoin is done, or when the seat could no longer be used (the client never connected, or
 * connected to a room on another process).
 */
export class JoinAdmission {
  private readonly held = new Map<string, { release: () => void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly gate: AdmissionGate,
    /** How long a slot is held for a seat whose onJoin never comes here (the seat reservation time). */
    private readonly holdMs: number,
  ) {}

  /** Waits for a slot (or throws AppError server_busy); returns the ticket to hand to `done`. */
  admit(): Promise<string> {
    return new Promise<string>((admitted, refused) => {
      this.gate
        .run(
          () =>
            new Promise<void>((release) => {
              const ticket = newId();
              const timer = setTimeout(() => this.done(ticket), this.holdMs);
              timer.unref();
              this.held.set(ticket, { release, timer });
              admitted(ticket);
            }),
        )
        .catch(refused);
    });
  }

  /** The join of `ticket` finished (or failed): its slot goes to the next one waiting. Idempotent. */
  done(ticket: string | undefined): void {
    if (!ticket) return;
    const slot = this.held.get(ticket);
    if (!slot) return;
    this.held.delete(ticket);
    clearTimeout(slot.timer);
    slot.release();
  }
}
