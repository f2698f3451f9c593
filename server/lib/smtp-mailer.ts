import nodemailer from "nodemailer";
import type { Mailer } from "../modules/auth/mailer";

/** Mail over SMTP (`SMTP_URL`: smtp://host:port for plain or STARTTLS, smtps://… for TLS; user:password@ for auth). */
export class SmtpMailer implements Mailer {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(url: string, private readonly from: string, timeoutMs: number) {
    const u = new URL(url);
    const secure = u.protocol === "smtps:";
    this.transport = nodemailer.createTransport({
      host: u.hostname,
      port: Number(u.port || (secure ? 465 : 587)),
      secure,
      ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
      // Every wait on the mail server is bounded: one that stops answering fails the send.
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(mail: { to: string; subject: string; text: string }): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text });
  }

  close(): void {
    this.transport.close();
  }
}
