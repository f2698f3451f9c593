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

const ADDRESS = z
  .string()
  .max(255)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253})|\[[0-9A-Fa-f:.]{2,45}\]):\d{1,5}$/, "must be host:port (a name, an IPv4 address, or [an IPv6 address])");

/** POST /fleet/servers: a game server announces itself. */
export const RegisterGameServerRequestSchema = z
  .strictObject({
    address: ADDRESS.meta({ description: "Where players connect: `host:port`, as players reach it." }),
    region: SCOPE_NAME.meta({ description: "One of MATCH_REGIONS (and of the key's regions, if it has any)." }),
    modes: z.array(SCOPE_NAME).min(1).max(32).meta({ description: "Game modes it hosts (GAME_MODES, and the key's modes if it has any)." }),
    capacity: z.number().int().min(1).max(10_000).meta({ description: "Matches it hosts at once." }),
    version: z.string().trim().min(1).max(64).meta({ description: "The game build, shown to operators (e.g. `1.4.2+a1b2c3`)." }),
  })
  .meta({ id: "RegisterGameServerRequest" });
export type RegisterGameServerRequest = z.infer<typeof RegisterGameServerRequestSchema>;

export const RegisterGameServerResponseSchema = z
  .object({
    serverId: z.uuid().meta({ description: "Its id: in every later call, and the audience of its join tickets (`game-server:<serverId>`)." }),
    heartbeatSeconds: z.number().int().meta({ description: "Beat at least this often; three missed beats and it is taken out." }),
    ticketIssuer: z.string().meta({ description: "The `iss` of its join tickets." }),
    jwksPath: z.literal("/.well-known/jwks.json"),
  })
  .meta({ id: "RegisterGameServerResponse" });
export type RegisterGameServerResponse = z.infer<typeof RegisterGameServerResponseSchema>;

export const GameServerHeartbeatRequestSchema = z
  .strictObject({ load: z.number().int().min(0).max(10_000).meta({ description: "Matches it hosts now." }) })
  .meta({ id: "GameServerHeartbeatRequest" });

export const GameServerStateSchema = z.enum(["active", "draining"]);

export const GameServerHeartbeatResponseSchema = z
  .object({ state: GameServerStateSchema.meta({ description: "`draining`: no new matches; finish the current ones, then deregister." }) })
  .meta({ id: "GameServerHeartbeatResponse" });

export const GameServerSchema = z
  .object({
    id: z.uuid(),
    keyId: z.uuid(),
    address: z.string(),
    region: z.string(),
    modes: z.array(z.string()),
    capacity: z.number().int(),
    load: z.number().int(),
    version: z.string(),
    state: GameServerStateSchema,
    registeredAt: z.iso.datetime(),
    lastHeartbeatAt: z.iso.datetime(),
    live: z.boolean().meta({ description: "Its last heartbeat is within three heartbeat periods." }),
  })
  .meta({ id: "GameServer" });
export type GameServer = z.infer<typeof GameServerSchema>;

export const GameServerListResponseSchema = z.object({ items: z.array(GameServerSchema) }).meta({ id: "GameServerListResponse" });
export type GameServerListResponse = z.infer<typeof GameServerListResponseSchema>;
