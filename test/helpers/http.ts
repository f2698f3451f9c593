import http from "node:http";
import { AuthResponseSchema, type AuthResponse } from "../../shared/schemas/auth";
import { ErrorBodySchema, type ErrorBody } from "../../shared/schemas/common";

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The raw body text. */
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: unknown;
}

export interface RequestOptions {
  /** Sent as a JSON body. */
  json?: unknown;
  /** Sent as-is (with content-type application/json unless a header overrides it). */
  raw?: string | Buffer;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  headers?: Record<string, string>;
  /** Source address of the connection, e.g. "127.0.0.2" to act as another client IP on loopback. */
  localAddress?: string;
}

/**
 * Real HTTP against a running server with node:http (not fetch), so tests can pick the source
 * address and send bodies fetch would refuse to build.
 */
export function request(baseUrl: string, method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
  const url = new URL(path, baseUrl);
  const payload = opts.raw ?? (opts.json === undefined ? undefined : JSON.stringify(opts.json));
  const headers: Record<string, string | number> = { accept: "application/json", connection: "close" };
  if (payload !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = Buffer.byteLength(payload);
  }
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  Object.assign(headers, opts.headers);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, localAddress: opts.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown;
          if (String(res.headers["content-type"] ?? "").includes("json") && text) body = JSON.parse(text);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** A small client bound to one server (and optionally one source address). */
export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly defaults: Pick<RequestOptions, "localAddress" | "headers"> = {},
  ) {}

  /** The same server seen from another source address (e.g. "127.0.0.2"). */
  from(localAddress: string): Api {
    return new Api(this.baseUrl, { ...this.defaults, localAddress });
  }

  send(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    return request(this.baseUrl, method, path, {
      ...this.defaults,
      ...opts,
      headers: { ...this.defaults.headers, ...opts.headers },
    });
  }

  get(path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    return this.send("GET", path, opts);
  }

  post(path: string, json?: unknown, opts: RequestOptions = {}): Promise<HttpResponse> {
    return this.send("POST", path, { ...opts, json });
  }

  delete(path: string, json?: unknown, opts: RequestOptions = {}): Promise<HttpResponse> {
    return this.send("DELETE", path, { ...opts, json });
  }

  register(username: string, password: string): Promise<HttpResponse> {
    return this.post("/auth/register", { username, password });
  }

  login(username: string, password: string): Promise<HttpResponse> {
    return this.post("/auth/login", { username, password });
  }

  refresh(refreshToken: string): Promise<HttpResponse> {
    return this.post("/auth/refresh", { refreshToken });
  }

  me(token: string): Promise<HttpResponse> {
    return this.get("/me", { token });
  }
}

/** Asserts a successful auth answer and returns it typed. */
export function authBody(res: HttpResponse, status = 200): AuthResponse {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${res.text}`);
  return AuthResponseSchema.parse(res.body);
}

/** Asserts the error envelope `{"error":{code,message,requestId,...}}` and returns its inner object. */
export function errorBody(res: HttpResponse): ErrorBody["error"] {
  const parsed = ErrorBodySchema.strict().safeParse(res.body);
  if (!parsed.success) throw new Error(`not an error envelope (HTTP ${res.status}): ${res.text}`);
  return parsed.data.error;
}

/** Status and error code together, for one-line expectations: `expect(failure(res)).toEqual([401, "invalid_token"])`. */
export function failure(res: HttpResponse): [number, string] {
  return [res.status, errorBody(res).code];
}
