import type { Router } from "express";
import { adminRoutes } from "../../../server/gateway/routes/admin.routes";
import { memoryLimiterStore } from "../../../server/lib/rate-limit/flexible-limiter-store";
import { Api, type HttpResponse } from "../../helpers/http";
import type { TestServer } from "../../helpers/test-server";

export const ADMIN = { username: "admin_op", password: "copper-signal-orchard-31" };
export const MODERATOR = { username: "mod_op", password: "quiet-lantern-harbor-77" };
export const VIEWER = { username: "view_op", password: "amber-meadow-signal-19" };

/** Env that creates the admin at start, as ADMIN_USERNAME / ADMIN_PASSWORD do in production. */
export const ADMIN_TEST_ENV = {
  ADMIN_USERNAME: ADMIN.username,
  ADMIN_PASSWORD: ADMIN.password,
  REGISTER_MAX_PER_IP_PER_HOUR: "100000",
  CHAT_FLOOD_BURST: "100",
  CHAT_FLOOD_PER_SECOND: "100",
  CHAT_REPEAT_COOLDOWN_SECONDS: "0",
} as const;

export interface Operators {
  admin: string;
  moderator: string;
  viewer: string;
}

export async function adminLogin(api: Api, who: { username: string; password: string }): Promise<HttpResponse> {
  return api.post("/admin/api/login", who);
}

/** Tokens of the admin created from env and of a moderator and a viewer created through the service. */
export async function operators(t: TestServer): Promise<Operators> {
  await t.server.services.admin.ensureOperator(MODERATOR.username, MODERATOR.password, "moderator");
  await t.server.services.admin.ensureOperator(VIEWER.username, VIEWER.password, "viewer");
  const api = new Api(t.url);
  const token = async (who: typeof MODERATOR) => {
    const res = await adminLogin(api, who);
    if (res.status !== 200) throw new Error(`operator login failed: ${res.status} ${res.text}`);
    return (res.body as { accessToken: string }).accessToken;
  };
  return { admin: await token(ADMIN), moderator: await token(MODERATOR), viewer: await token(VIEWER) };
}

/** The admin router as the server builds it, for enumerating its routes. */
export function buildAdminRouter(t: TestServer): Router {
  return adminRoutes({
    admin: t.server.services.admin,
    auth: t.server.services.auth,
    fleetKeys: t.server.services.fleetKeys,
    gameServers: t.server.services.gameServers,
    gameLobbies: t.server.services.gameLobbies,
    loginLimiter: memoryLimiterStore().create({ name: "probe", points: 1, durationSeconds: 1 }),
  });
}

export interface RouteInfo {
  method: string;
  path: string;
  /** undefined: a public route (no requireOperator guard). */
  requiredRole: "viewer" | "moderator" | "admin" | undefined;
}

interface LayerLike {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { requiredRole?: "viewer" | "moderator" | "admin" } }[] };
}

/** Every route of the router with its method and the role its guard requires. */
export function routesOf(router: Router): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const layer of router.stack as unknown as LayerLike[]) {
    if (!layer.route) continue;
    const guard = layer.route.stack.find((l) => l.handle.requiredRole !== undefined);
    for (const method of Object.keys(layer.route.methods).filter((m) => m !== "_all")) {
      out.push({ method: method.toUpperCase(), path: layer.route.path, requiredRole: guard?.handle.requiredRole });
    }
  }
  return out;
}
