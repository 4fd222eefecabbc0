import type { Transporter } from 'nodemailer';

// Email out through SMTP_URL. Unset: nothing is sent and the pass records `not_sent` ("no SMTP").
// A server that refuses, answers 5xx or goes quiet is the pass's to record as `failed`: `send`
// rejects with the error, and the pass never lets it escape.

/** Emails the pass has on their way at once, each on a pooled connection of its own. */
export const SEND_CONCURRENCY = 3;

export interface OutgoingEmail {
  to: string;
  cc?: string[];
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** False when no SMTP_URL is configured. */
  readonly configured: boolean;
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl?: string;
  mailFrom: string;
  /** How long to wait for the server at each step before giving up (ms). */
  timeoutMs?: number;
}

export function createMailer({ smtpUrl, mailFrom, timeoutMs = 15_000 }: MailerOptions): Mailer {
  if (smtpUrl === undefined) {
    return {
      configured: false,
      send: () => Promise.reject(new Error('no SMTP')),
      close: () => {},
    };
  }
  // Pooled: a pass sends one email per recipient, and a connection (greeting, EHLO) for each cost
  // several times the message itself; SEND_CONCURRENCY (jobs/notify.ts) emails go at once.
  // nodemailer is loaded with the first email, not at start-up: most processes never send one.
  let transport: Promise<Transporter> | undefined;
  const transportNow = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url: smtpUrl,
        pool: true,
        maxConnections: SEND_CONCURRENCY,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      }),
    ));
  return {
    configured: true,
    async send(email) {
      // Base64 parts: a first pass's digests run to megabytes, and nodemailer otherwise scans
      // each part a character at a time to choose an encoding, then quoted-printable encodes it
      // in JavaScript (most of a pass's time over a large database); base64 is Buffer's own.
      await (await transportNow()).sendMail({
        from: mailFrom, to: email.to, cc: email.cc?.length ? email.cc : undefined, subject: email.subject, text: email.text, html: email.html,
        textEncoding: 'base64',
      });
    },
    close: () => {
      void transport?.then((t) => t.close(), () => {});
    },
  };
}
