import helmet from "helmet";

/** What helmet's middleware does to a response: headers it sets (in order) and headers it removes. */
export interface SecurityHeaders {
  readonly set: ReadonlyArray<readonly [name: string, value: string]>;
  readonly removed: readonly string[];
}

/** A stand-in object that refuses every property but the ones named (so a per-request read fails loudly). */
function only<T extends object>(what: string, allowed: T): T {
  return new Proxy(allowed, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof T];
      throw new Error(`helmet read ${what}.${String(prop)}: its headers depend on the request and cannot be computed once`);
    },
  });
}

/**
 * helmet()'s headers, computed once: its middleware is run against a stub request and response
 * and what it sets is recorded, so helmet stays the source of truth for the values. helmet's
 * defaults are the same for every request (a configuration whose headers read the request or the
 * response, such as a CSP nonce from res.locals, makes this throw at startup).
 */
export function captureHelmetHeaders(): SecurityHeaders {
  const set: Array<[string, string]> = [];
  const removed: string[] = [];
  const res = only("res", {
    setHeader: (name: string, value: unknown) => void set.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
  });
  let finished = false;
  helmet()(only("req", {}) as never, res as never, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  if (!finished) throw new Error("helmet did not finish synchronously: its headers cannot be computed once");
  return { set, removed };
}
