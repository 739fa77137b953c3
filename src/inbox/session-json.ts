import type { SmtpSessionInfo } from '../mail/mail-types.ts';
import type { SessionRecord } from '../store/store-types.ts';

/** A session without its transcript, for the list. */
export function sessionSummaryJson(s: SmtpSessionInfo) {
  return {
    ID: s.id,
    Started: new Date(s.startedAt).toISOString(),
    Ended: s.endedAt === null ? null : new Date(s.endedAt).toISOString(),
    Listener: s.listener,
    ClientAddress: s.clientAddress,
    ClientPort: s.clientPort,
    Helo: s.helo,
    AuthUser: s.authUser ?? '',
    AuthMethod: s.authMethod ?? '',
    TLS: s.tlsProtocol ? { Protocol: s.tlsProtocol, Cipher: s.tlsCipher ?? '' } : null,
    MessageIDs: [...s.messageIds],
    TranscriptTruncated: s.transcriptTruncated,
  };
}

/** An SMTP session and its transcript (catchall extension, in the API's PascalCase style). */
export function sessionJson(s: SessionRecord) {
  return {
    ...sessionSummaryJson(s),
    Transcript: s.transcript.map((l) => ({ At: new Date(l.at).toISOString(), Dir: l.dir, Text: l.text })),
  };
}
