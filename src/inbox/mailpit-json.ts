import type { MailAddress, MessagePart, MessageSummary } from '../mail/mail-types.ts';
import type { MessageView } from '../mail/mailbox.ts';

/**
 * Domain → JSON in Mailpit's shapes (axllent/mailpit internal/storage/structs.go): PascalCase
 * fields, address arrays never null, times as RFC 3339. Our additions are extra fields that
 * Mailpit clients ignore.
 */

interface AddressJson {
  Name: string;
  Address: string;
}

const address = (a: MailAddress | null): AddressJson => ({ Name: a?.name ?? '', Address: a?.address ?? '' });
const addresses = (list: readonly MailAddress[]): AddressJson[] => list.map(address);
const time = (ms: number): string => new Date(ms).toISOString();

export function summaryJson(m: MessageSummary) {
  return {
    ID: m.id,
    MessageID: m.messageId,
    Read: m.read,
    From: address(m.from),
    To: addresses(m.to),
    Cc: addresses(m.cc),
    Bcc: addresses(m.bcc),
    ReplyTo: addresses(m.replyTo),
    Subject: m.subject,
    Created: time(m.createdAt),
    Username: m.envelope.authUser ?? '',
    Tags: [...m.tags],
    Size: m.size,
    Attachments: m.attachments,
    Snippet: m.snippet,
  };
}

function partJson(p: MessagePart) {
  return {
    PartID: p.partId,
    FileName: p.fileName,
    ContentType: p.contentType,
    ContentID: p.contentId,
    Size: p.size,
    Checksums: { MD5: p.checksums.md5, SHA1: p.checksums.sha1, SHA256: p.checksums.sha256 },
  };
}

/** The envelope and SMTP facts Mailpit does not expose (catchall extension). */
function envelopeJson(m: MessageSummary) {
  const e = m.envelope;
  return {
    From: e.mailFrom,
    To: [...e.rcptTo],
    Helo: e.helo,
    ClientAddress: e.clientAddress,
    AuthUser: e.authUser ?? '',
    TLS: e.tlsProtocol ? { Protocol: e.tlsProtocol, Cipher: e.tlsCipher ?? '' } : null,
    SMTPUTF8: e.smtpUtf8,
  };
}

export function messageJson({ summary: m, body }: MessageView) {
  return {
    ID: m.id,
    MessageID: m.messageId,
    From: address(m.from),
    To: addresses(m.to),
    Cc: addresses(m.cc),
    Bcc: addresses(m.bcc),
    ReplyTo: addresses(m.replyTo),
    ReturnPath: m.returnPath || m.envelope.mailFrom,
    Subject: m.subject,
    ListUnsubscribe: {
      Header: body.listUnsubscribe.header,
      Links: [...body.listUnsubscribe.links],
      Errors: '',
      HeaderPost: body.listUnsubscribe.headerPost,
    },
    // Mailpit: the Date header if set, else the time received.
    Date: time(m.date ?? m.createdAt),
    Tags: [...m.tags],
    Username: m.envelope.authUser ?? '',
    Text: body.text,
    HTML: body.html,
    Size: m.size,
    Inline: body.inline.map(partJson),
    Attachments: body.attachments.map(partJson),
    // catchall extensions
    Created: time(m.createdAt),
    SessionID: m.sessionId ?? '',
    Envelope: envelopeJson(m),
    ParseError: m.parseError ?? '',
  };
}
