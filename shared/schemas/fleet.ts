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

const SCOPE_NAME = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "is not a mode or region name");

/** POST /admin/api/fleet/keys. */
export const CreateFleetKeyRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(64).meta({ description: "What the key is for (e.g. `eu-west fleet, build 1.4`)." }),
    modes: z.array(SCOPE_NAME).max(32).default([]).meta({ description: "Game modes its servers may host (GAME_MODES); empty: any." }),
    regions: z.array(SCOPE_NAME).max(32).default([]).meta({ description: "Regions its servers may register in (MATCH_REGIONS); empty: any." }),
  })
  .meta({ id: "CreateFleetKeyRequest" });
export type CreateFleetKeyRequest = z.input<typeof CreateFleetKeyRequestSchema>;

export const FleetKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().meta({ description: "The key's first characters after `fk_`, to tell keys apart." }),
    modes: z.array(z.string()),
    regions: z.array(z.string()),
    createdBy: z.object({ id: z.uuid(), username: z.string() }),
    createdAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "FleetKey" });
export type FleetKey = z.infer<typeof FleetKeySchema>;

export const CreateFleetKeyResponseSchema = z
  .object({ key: FleetKeySchema, secret: z.string().meta({ description: "`fk_…`: shown this once; give it to the game servers (a secret store), it cannot be read again." }) })
  .meta({ id: "CreateFleetKeyResponse" });
export type CreateFleetKeyResponse = z.infer<typeof CreateFleetKeyResponseSchema>;

export const FleetKeyListResponseSchema = z.object({ items: z.array(FleetKeySchema) }).meta({ id: "FleetKeyListResponse" });
export type FleetKeyListResponse = z.infer<typeof FleetKeyListResponseSchema>;
