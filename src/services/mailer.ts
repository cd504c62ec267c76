/**
 * Sending email. With SMTP configured (SMTP_URL=smtp://user:pass@host:587, SMTP_FROM), through nodemailer; without,
 * in development, the message is written to the server's standard error — the only place a one-time link is ever
 * printed, and only when no mail can be sent.
 */
import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function mailerFromEnvironment(env: NodeJS.ProcessEnv = process.env): Mailer {
  if (env.SMTP_URL) return smtpMailer(env.SMTP_URL, env.SMTP_FROM ?? 'Plenum <plenum@localhost>');
  return {
    async send(mail) {
      process.stderr.write(`\n[mail not sent: SMTP_URL is not set] to ${mail.to}: ${mail.subject}\n${mail.text}\n\n`);
    },
  };
}

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
