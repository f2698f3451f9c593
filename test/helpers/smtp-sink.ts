import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";

export interface ReceivedMail {
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 (no TLS, no auth) that keeps every mail it is sent. */
export interface SmtpSink {
  url: string;
  mails: ReceivedMail[];
  /** Resolves with the next mail to `to` (received after `from`, an index into `mails`). */
  next(to: string, from?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (raw += chunk));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw });
        for (const w of waiters.splice(0)) w();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async next(to, from = 0) {
      const wanted = to.toLowerCase();
      for (;;) {
        const found = mails.slice(from).find((m) => m.to.includes(wanted));
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The mail as text: quoted-printable soft line breaks and `=3D` undone. */
export function textOf(mail: ReceivedMail): string {
  return mail.raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
}

/** The token of the first `?token=` link in a mail. */
export function tokenIn(mail: ReceivedMail): string {
  const body = textOf(mail);
  const m = /[?&]token=([A-Za-z0-9_%-]+)/.exec(body);
  if (!m) throw new Error(`no token link in the mail:\n${mail.raw}`);
  return decodeURIComponent(m[1]!);
}
