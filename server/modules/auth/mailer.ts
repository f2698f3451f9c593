/** Sends one plain-text mail (SMTP in production, see server/lib/smtp-mailer.ts). */
export interface Mailer {
  send(mail: { to: string; subject: string; text: string }): Promise<void>;
}
