import crypto from "node:crypto";
import type { z } from "zod";
import { AppError, ErrorCode } from "./errors";

/**
 * Opaque, signed keyset cursors: base64url(JSON) + "." + HMAC. A cursor that was altered, cut or
 * minted elsewhere is refused with 400 invalid_cursor instead of silently paging from a forged key.
 */
export class CursorCodec {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(crypto.hkdfSync("sha256", secret, "lobby-cursor", "keyset-cursor-v1", 32));
  }

  encode(payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return `${body}.${this.sign(body)}`;
  }

  decode<S extends z.ZodType>(cursor: string, schema: S): z.output<S> {
    const invalid = new AppError(ErrorCode.InvalidCursor, "The cursor is invalid.", {
      fields: [{ path: "cursor", message: "is invalid" }],
    });
    const [body, mac, extra] = cursor.split(".");
    if (!body || !mac || extra !== undefined) throw invalid;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) throw invalid;
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    } catch {
      throw invalid;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw invalid;
    return parsed.data;
  }

  private sign(body: string): string {
    return crypto.createHmac("sha256", this.key).update(body).digest("base64url").slice(0, 22);
  }
}
