import type { AccountRole } from "../../../shared/schemas/admin";
import { registerAccount } from "../../helpers/accounts";
import type { Api, HttpResponse } from "../../helpers/http";
import { uniqueUsername, type TestServer } from "../../helpers/test-server";
import { adminLogin } from "./admin-fixture";

export interface Credentials {
  username: string;
  password: string;
}

export interface OperatorUnderTest {
  id: string;
  credentials: Credentials;
  /** An operator token from a login after the promotion. */
  token: string;
}

export interface AuditRow {
  operator: { id: string; username: string };
  action: string;
  reason: string | null;
}

export const setRole = (api: Api, token: string, id: string, role: AccountRole, reason = "staffing"): Promise<HttpResponse> =>
  api.post(`/admin/api/players/${id}/role`, { role, reason }, { token });

export const operatorMe = (api: Api, token: string): Promise<HttpResponse> => api.get("/admin/api/me", { token });

export const roleOf = (res: HttpResponse): string | undefined => (res.body as { operator?: { role: string } }).operator?.role;

/** A freshly registered player that `adminToken` promotes to `role`, logged in to the admin API. */
export async function newOperator(api: Api, adminToken: string, role: AccountRole): Promise<OperatorUnderTest> {
  const account = await registerAccount(api);
  const id = account.auth.account.id;
  const promoted = await setRole(api, adminToken, id, role);
  if (promoted.status !== 200) throw new Error(`promotion failed: ${promoted.status} ${promoted.text}`);
  return { id, ...(await loggedIn(api, { username: account.username, password: account.password })) };
}

/**
 * A viewer created the way `npm run admin:create` does (no admin API involved), logged in to the
 * admin API: the ban tests need nothing newer than the ban itself.
 */
export async function seededViewer(t: TestServer, api: Api): Promise<OperatorUnderTest> {
  const username = uniqueUsername("op");
  const password = "ember-quarry-lantern-58";
  const { id } = await t.server.services.admin.ensureOperator(username, password, "viewer");
  return { id, ...(await loggedIn(api, { username, password })) };
}

async function loggedIn(api: Api, credentials: Credentials): Promise<{ credentials: Credentials; token: string }> {
  const login = await adminLogin(api, credentials);
  if (login.status !== 200) throw new Error(`operator login failed: ${login.status} ${login.text}`);
  return { credentials, token: (login.body as { accessToken: string }).accessToken };
}

/** Audit rows about `targetId`, newest first. */
export async function auditOf(api: Api, token: string, targetId: string): Promise<AuditRow[]> {
  const res = await api.get("/admin/api/audit?limit=200", { token });
  if (res.status !== 200) throw new Error(`audit read failed: ${res.status} ${res.text}`);
  return (res.body as { items: (AuditRow & { targetId: string })[] }).items
    .filter((i) => i.targetId === targetId)
    .map(({ operator, action, reason }) => ({ operator, action, reason }));
}
