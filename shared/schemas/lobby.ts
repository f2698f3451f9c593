import { z } from "zod";
import { AccountSchema } from "./auth";

/** Message types the server sends on a lobby connection. */
export const LobbyServerMessage = {
  Welcome: "welcome",
  Error: "error",
} as const;

/** Message types a client may send on a lobby connection. Grows with later capabilities. */
export const LobbyClientMessage = {} as const;

export const WelcomeMessageSchema = z.object({
  account: AccountSchema,
  /** Server time in epoch milliseconds, for clock-offset estimation. */
  serverTime: z.number().int(),
});
export type WelcomeMessage = z.infer<typeof WelcomeMessageSchema>;

/** Sent instead of acting on a client message that was refused. The connection stays open. */
export const WsErrorMessageSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** The client message type that caused it. */
  type: z.string().optional(),
});
export type WsErrorMessage = z.infer<typeof WsErrorMessageSchema>;
