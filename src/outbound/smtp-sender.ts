import nodemailer from 'nodemailer';

/** Where and how to deliver: the embedded sink or an --auth-smtp-url. */
export interface SmtpTarget {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (smtps); otherwise STARTTLS when offered, or required with `requireTls`. */
  readonly secure: boolean;
  readonly requireTls: boolean;
  /** Verify the server certificate (off for our own listener, which has a self-signed one). */
  readonly verifyCertificate: boolean;
  readonly user: string | null;
  readonly password: string | null;
  readonly connectTimeoutMs: number;
  readonly greetingTimeoutMs: number;
  readonly socketTimeoutMs: number;
  /** Our EHLO name. */
  readonly clientName: string;
}

export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Sends one mail; rejects on any failure (connect, TLS, auth, 4xx/5xx reply, timeout). */
export type SendMail = (mail: OutgoingMail) => Promise<void>;

/**
 * A sender speaking real SMTP with nodemailer, like any application would: one connection per
 * mail (no pool), so every mail shows up as its own session in the transcript and fault
 * injection on `Connect` affects it.
 */
export function smtpSender(target: SmtpTarget): SendMail {
  const transport = nodemailer.createTransport({
    host: target.host,
    port: target.port,
    secure: target.secure,
    requireTLS: target.requireTls && !target.secure,
    name: target.clientName,
    connectionTimeout: target.connectTimeoutMs,
    greetingTimeout: target.greetingTimeoutMs,
    socketTimeout: target.socketTimeoutMs,
    tls: { rejectUnauthorized: target.verifyCertificate },
    ...(target.user !== null ? { auth: { user: target.user, pass: target.password ?? '' } } : {}),
  });
  return async (mail) => {
    await transport.sendMail({
      from: mail.from,
      to: mail.to,
      // The envelope names exactly the stored address; nothing from the headers is re-parsed.
      envelope: { from: mail.from, to: [mail.to] },
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
  };
}
