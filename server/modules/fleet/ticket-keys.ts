import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** One ES256 signing key: its private half, and the public JWK game servers verify with. */
export interface TicketKey {
  kid: string;
  privateKey: crypto.KeyObject;
  publicJwk: PublicJwk;
}

export interface PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
  alg: "ES256";
  use: "sig";
}

/**
 * The keys join tickets are signed with. The first signs; every one is published (JWKS), so a
 * rotation adds the new key behind the current one, moves it to the front once every game server
 * has fetched it, and drops the old one once the tickets it signed have expired.
 */
export class TicketKeyRing {
  private constructor(readonly keys: readonly TicketKey[]) {
    if (keys.length === 0) throw new Error("a ticket key ring needs at least one key");
  }

  get signing(): TicketKey {
    return this.keys[0]!;
  }

  /** The public keys, as GET /.well-known/jwks.json serves them. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** From PEM texts (PKCS#8 or SEC1 "EC PRIVATE KEY"), each an EC P-256 private key. */
  static fromPems(pems: readonly string[]): TicketKeyRing {
    return new TicketKeyRing(pems.map((pem, i) => toTicketKey(parsePrivateKey(pem, `key ${i + 1}`))));
  }

  static fromFiles(files: readonly string[]): TicketKeyRing {
    return TicketKeyRing.fromPems(files.map((f) => fs.readFileSync(f, "utf8")));
  }

  /**
   * Development only: a key made once and kept in the data directory (like the development JWT
   * secret), so restarts and every process sharing DATA_DIR publish and sign with the same key.
   */
  static development(dataDir: string): TicketKeyRing {
    const file = path.join(dataDir, "join-ticket-key.pem");
    try {
      return TicketKeyRing.fromPems([fs.readFileSync(file, "utf8")]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    fs.mkdirSync(dataDir, { recursive: true });
    const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    // "wx": two processes starting at once keep whichever key was written first.
    try {
      fs.writeFileSync(file, pem, { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    return TicketKeyRing.fromPems([fs.readFileSync(file, "utf8")]);
  }
}

/** Why a PEM cannot be a ticket key, or undefined (for configuration checks). */
export function ticketKeyProblem(pem: string): string | undefined {
  try {
    parsePrivateKey(pem, "key");
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function parsePrivateKey(pem: string, what: string): crypto.KeyObject {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new Error(`${what} is not a PEM private key`);
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new Error(`${what} must be an EC P-256 key (ES256), e.g. openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`);
  }
  return key;
}

function toTicketKey(privateKey: crypto.KeyObject): TicketKey {
  const jwk = crypto.createPublicKey(privateKey).export({ format: "jwk" }) as { x: string; y: string };
  // RFC 7638 thumbprint: the members in lexicographic order, no whitespace.
  const kid = crypto.createHash("sha256").update(JSON.stringify({ crv: "P-256", kty: "EC", x: jwk.x, y: jwk.y })).digest("base64url");
  return { kid, privateKey, publicJwk: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, kid, alg: "ES256", use: "sig" } };
}
