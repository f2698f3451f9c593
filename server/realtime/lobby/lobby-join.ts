import type { Logger } from "../../lib/logger";
import type { AuthService } from "../../modules/auth/auth.service";
import type { JoinSnapshot } from "../../modules/lobby/join-snapshot";
import type { JoinAdmission } from "../join-admission";
import { admitJoin, authenticateJoin, type LobbyAuth } from "../room-auth";

/** onAuth: a join slot first (or 503), then the token; a refused token gives the slot back. */
export async function admitAndAuthenticate(d: { admission: JoinAdmission; auth: AuthService; logger: Logger }, token: string | undefined): Promise<LobbyAuth> {
  const admission = await admitJoin(d.admission);
  try {
    return { ...(await authenticateJoin(d.auth, d.logger, token)), admission };
  } catch (err) {
    d.admission.done(admission);
    throw err;
  }
}

/** The join's snapshot as the features see it at open(): settled once it is read, with undefined if that failed. */
export function pendingSnapshot(): { snapshot: Promise<JoinSnapshot | undefined>; settle: (join: JoinSnapshot | undefined) => void } {
  let settle!: (join: JoinSnapshot | undefined) => void;
  const snapshot = new Promise<JoinSnapshot | undefined>((resolve) => (settle = resolve));
  return { snapshot, settle };
}
