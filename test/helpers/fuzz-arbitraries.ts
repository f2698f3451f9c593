import fc from "fast-check";

/** The subset of JSON Schema (OpenAPI 3.1 and zod's toJSONSchema) the generator understands. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** Values a client may send that a server gets wrong: NUL, lone surrogates, bidi, huge, empty, odd numbers. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "ab\u0000c",
    "\uD800",
    "x\uDFFFy",
    "\u202Egnp.exe",
    "\uFEFF\u200B",
    "%00",
    "%zz",
    "%",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "public:general",
    "9".repeat(25),
    // Long, yet short enough that a URL of several never passes Node's 16 KiB header limit.
    "x".repeat(2000),
    "𝕏".repeat(100),
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);

export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, 2 ** 53 + 1, [], {}, [null], JSON.parse('{"__proto__":{"admin":true}}') as unknown),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Known values the generator prefers for strings of a format, to reach past "not found". */
export interface Hints {
  uuids?: readonly string[];
  /** Strings matching a digits pattern (message ids). */
  digits?: readonly string[];
}

/**
 * `nasty`: mostly valid values, each leaf now and then replaced by a nasty value, an object now and
 * then carrying an unknown key: what a careless or hostile client sends. `nul`: valid values with
 * every optional field present, whose free-text strings (no enum, format or pattern) carry U+0000
 * half the time: what gets past validation into a service and the database.
 */
export type FuzzMode = "nasty" | "nul";

type Resolve = (ref: string) => JsonSchema;

const preferring = <T>(known: readonly T[] | undefined, any: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  known?.length ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 3 }, { arbitrary: any, weight: 1 }) : any;

const withNul = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(valid, fc.tuple(valid, fc.nat()).map(([v, at]) => `${v.slice(0, at % (v.length + 1))}\u0000${v.slice(at % (v.length + 1))}`));

function stringOf(s: JsonSchema, hints: Hints, mode: FuzzMode): fc.Arbitrary<string> {
  if (s.format === "uuid") return preferring(hints.uuids, fc.uuid());
  if (s.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (s.pattern) {
    const matching = fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length <= (s.maxLength ?? Infinity));
    return /^\^(\[0-9\]|\\d)/.test(s.pattern) ? preferring(hints.digits, matching) : matching;
  }
  const free = fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 600), unit: "grapheme" });
  return mode === "nul" ? withNul(free) : free;
}

/** Values for `schema` (OpenAPI 3.1 or zod's toJSONSchema), as `mode` says. */
export function arbitraryFor(schema: JsonSchema, resolve: Resolve, hints: Hints = {}, mode: FuzzMode = "nasty", depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) return arbitraryFor(resolve(schema.$ref), resolve, hints, mode, depth);
  const next = (s: JsonSchema) => arbitraryFor(s, resolve, hints, mode, depth + 1);
  const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
    mode === "nul" ? valid : fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: nastyValue, weight: 1 });
  if (schema.allOf) return next(Object.assign({}, ...schema.allOf.map((s) => (s.$ref ? resolve(s.$ref) : s))) as JsonSchema);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map(next));
  if (schema.const !== undefined) return mostly(fc.constant(schema.const));
  if (schema.enum) return mostly(fc.constantFrom(...schema.enum));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => next({ ...schema, type })));
  switch (types[0]) {
    case "string":
      return mostly(stringOf(schema, hints, mode));
    case "integer":
    case "number": {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
      return mostly(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(schema.maximum ?? min + 10_000, 2 ** 31) }));
    }
    case "boolean":
      return mostly(fc.boolean());
    case "null":
      return fc.constant(null);
    case "array":
      if (depth > 4) return fc.constant([]);
      return mostly(fc.array(next(schema.items ?? {}), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) }));
    case "object": {
      if (depth > 4) return fc.constant({});
      const props = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, next(s)]));
      if (mode === "nul") return fc.record(model);
      const record = fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
      const withExtra = fc.tuple(record, nastyString, nastyValue).map(([r, k, v]) => ({ ...r, [k]: v }));
      return fc.oneof({ arbitrary: record, weight: 6 }, { arbitrary: withExtra, weight: 1 }, { arbitrary: nastyValue, weight: 1 });
    }
    default:
      return nastyValue;
  }
}

/** Percent-encodes the UTF-8 bytes of `s` (a lone surrogate becomes U+FFFD, as on any wire; encodeURIComponent throws). */
const percentEncode = (s: string): string =>
  [...Buffer.from(s, "utf8")].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");

/** A path or query value as sent on the wire: percent-encoded, in `nasty` mode now and then with broken encoding. */
export function urlPart(value: fc.Arbitrary<unknown>, mode: FuzzMode = "nasty"): fc.Arbitrary<string> {
  const encoded = value.map((v) => percentEncode(typeof v === "string" ? v : (JSON.stringify(v) ?? "")));
  if (mode === "nul") return encoded;
  return fc.oneof(
    { arbitrary: encoded, weight: 6 },
    { arbitrary: fc.constantFrom("%", "%zz", "%E0%A4%A", "%00", "%C0%AF", "%FF%FE", "%2F..%2F", "a%2"), weight: 2 },
  );
}
