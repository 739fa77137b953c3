import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { Envelope } from '../mail/mail-types.ts';

/** Buffers the DATA stream; null if it went over the size limit (then only drained, not kept). */
export function readMessage(stream: SMTPServerDataStream): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      if (!stream.sizeExceeded) chunks.push(chunk);
    });
    stream.once('end', () => resolve(stream.sizeExceeded ? null : Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

export function toEnvelope(session: SMTPServerSession): Envelope {
  const tls = session.tlsOptions;
  return {
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
    helo: session.hostNameAppearsAs || '',
    clientAddress: session.remoteAddress,
    authUser: typeof session.user === 'string' ? session.user : null,
    tlsProtocol: tls ? tls.version : null,
    tlsCipher: tls ? tls.name : null,
    smtpUtf8: session.envelope.smtpUtf8 === true,
  };
}
