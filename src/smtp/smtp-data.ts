import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { Envelope } from '../mail/mail-types.ts';

/** Buffers the DATA stream; null if it went over the size limit (then only drained, not kept). */
export function readMessage(stream: SMTPServerDataStream): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      if (!stream.sizeExceeded) chunks.push(chunk);
    });
    stream.once('end', () => resolve(stream.sizeExceeded ? null : concatOwned(chunks)));
    stream.once('error', reject);
  });
}

/**
 * Like Buffer.concat, but the result always owns its ArrayBuffer (never a slice of Node's
 * shared pool), so it can later move to the writer thread without a copy.
 */
function concatOwned(chunks: Buffer[]): Buffer {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = Buffer.allocUnsafeSlow(length);
  let offset = 0;
  for (const chunk of chunks) offset += chunk.copy(out, offset);
  return out;
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
