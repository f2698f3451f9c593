import { z } from "zod";

/** One public key of the join-ticket signer (an EC P-256 JWK, RFC 7517). */
export const TicketPublicKeySchema = z
  .object({
    kty: z.literal("EC"),
    crv: z.literal("P-256"),
    x: z.string(),
    y: z.string(),
    kid: z.string().meta({ description: "The JWK thumbprint (RFC 7638); a ticket's header names the key that signed it." }),
    alg: z.literal("ES256"),
    use: z.literal("sig"),
  })
  .meta({ id: "TicketPublicKey" });

/** GET /.well-known/jwks.json. */
export const JwksResponseSchema = z
  .object({ keys: z.array(TicketPublicKeySchema).meta({ description: "Every key a live ticket may be signed with; the first signs new tickets. Empty when tickets are off." }) })
  .meta({ id: "JwksResponse" });
export type JwksResponse = z.infer<typeof JwksResponseSchema>;
