import type { Clock } from "../../lib/clock";
import { AppError, ErrorCode } from "../../lib/errors";
import { randomSecret, sha256Hex } from "../../lib/ids";
import type { Logger } from "../../lib/logger";
import type { Limiter } from "../../lib/rate-limit/limiter";
import { isUniqueViolation } from "../../db/db-errors";
import type { AuthContext, SessionEvents } from "./auth.types";
import { EmailRecoveryRepo } from "./email-recovery.repo";
import type { Mailer } from "./mailer";
import type { PasswordHasher } from "./password-hasher";
import { assertPasswordPolicy } from "./password-policy";

export interface EmailRecoveryDeps {
  repo: EmailRecoveryRepo;
  /** Absent: SMTP_URL is not set, and every endpoint of this service answers mail_disabled. */
  mailer: Mailer | undefined;
  /** Gated by the login admission gate (gatedHasher). */
  hasher: PasswordHasher;
  events: SessionEvents;
  /** Reset mails per address (a mail bomb is refused silently: the answer is 202 either way). */
  resetsPerAddress: Limiter;
  /** Links in mails: `${linkBase}?token=…` (EMAIL_LINK_BASE_URL). */
  linkBase: { verify: string; reset: string };
  clock: Clock;
  logger: Logger;
}

const VERIFY_TTL_MS = 24 * 3600_000;
const RESET_TTL_MS = 30 * 60_000;

/**
 * Recovery by email: an address set on the account is verified by a mailed link; a verified
 * address can receive a single-use, short-lived password-reset token. The reset request answers
 * 202 whatever the address, and mails (or not) after the answer, so neither the body nor its
 * timing tells whether an account has that address.
 */
export class EmailRecoveryService {
  constructor(private readonly d: EmailRecoveryDeps) {}

  async setEmail(me: AuthContext, email: string): Promise<void> {
    const mailer = this.mailer();
    const token = randomSecret();
    const now = this.now();
    await this.d.repo.setPending(me.accountId, email, { hash: sha256Hex(token), expiresAt: new Date(now.getTime() + VERIFY_TTL_MS) }, now);
    await this.deliver(mailer, {
      to: email,
      subject: "Verify your email address",
      text: `Hello ${me.username},\n\nopen this link within 24 hours to verify this address for your account:\n${this.link(this.d.linkBase.verify, token)}\n\nIf you did not ask for this, ignore this mail.`,
    });
  }

  async verifyEmail(token: string): Promise<{ email: string }> {
    this.mailer();
    try {
      const done = await this.d.repo.spend(sha256Hex(token), "VERIFY", this.now(), async (t, tx) => {
        await EmailRecoveryRepo.verify(tx, t.accountId, t.email);
        return { email: t.email };
      });
      if (!done) throw invalidToken();
      return done;
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError(ErrorCode.EmailTaken, "Another account has verified this address.");
      throw err;
    }
  }

  /** Always accepted (202); the mail, if any, goes out after the answer. */
  requestReset(email: string): void {
    const mailer = this.mailer();
    void this.sendReset(mailer, email).catch((err) => this.d.logger.warn({ err }, "password reset mail failed"));
  }

  async confirmReset(token: string, newPassword: string): Promise<void> {
    this.mailer();
    const hash = sha256Hex(token);
    const now = this.now();
    // The policy needs the username: read the token first, then spend it with the new hash.
    const peek = await this.d.repo.live(hash, "RESET", now);
    if (!peek) throw invalidToken();
    assertPasswordPolicy(newPassword, peek.username, "newPassword");
    const passwordHash = await this.d.hasher.hash(newPassword);
    const done = await this.d.repo.spend(hash, "RESET", this.now(), async (t, tx) => {
      await EmailRecoveryRepo.resetPassword(tx, t.accountId, passwordHash, now);
      return t.accountId;
    });
    if (!done) throw invalidToken();
    await this.d.events.sessionsEnded(done, "all", "password_reset");
    this.d.logger.info({ accountId: done }, "password reset by email");
  }

  private async sendReset(mailer: Mailer, email: string): Promise<void> {
    const account = await this.d.repo.accountByEmail(email);
    if (!account || !(await this.d.resetsPerAddress.consume(email)).allowed) return;
    const token = randomSecret();
    const now = this.now();
    await this.d.repo.storeReset(account.id, email, { hash: sha256Hex(token), expiresAt: new Date(now.getTime() + RESET_TTL_MS) }, now);
    await mailer.send({
      to: email,
      subject: "Reset your password",
      text: `Hello ${account.username},\n\nopen this link within 30 minutes to choose a new password (every device will be signed out):\n${this.link(this.d.linkBase.reset, token)}\n\nIf you did not ask for this, ignore this mail: your password stays as it is.`,
    });
  }

  private async deliver(mailer: Mailer, mail: { to: string; subject: string; text: string }): Promise<void> {
    try {
      await mailer.send(mail);
    } catch (err) {
      this.d.logger.warn({ err }, "mail failed");
      throw new AppError(ErrorCode.ServiceUnavailable, "The mail could not be sent; try again later.");
    }
  }

  private mailer(): Mailer {
    if (!this.d.mailer) throw new AppError(ErrorCode.MailDisabled, "Mail is not set up on this server (SMTP_URL), so email addresses and password resets are unavailable.");
    return this.d.mailer;
  }

  private link(base: string, token: string): string {
    return `${base}${base.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`;
  }

  private now(): Date {
    return new Date(this.d.clock.now());
  }
}

const invalidToken = () => new AppError(ErrorCode.EmailTokenInvalid, "The link is invalid, was used already, or has expired.");
