import type { SessionRecord } from '../store/store-types.ts';

/** An SMTP session and its transcript (catchall extension, in the API's PascalCase style). */
export function sessionJson(s: SessionRecord) {
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
    Transcript: s.transcript.map((l) => ({ At: new Date(l.at).toISOString(), Dir: l.dir, Text: l.text })),
  };
}
