import { createHash } from 'node:crypto';
import { simpleParser, type Attachment } from 'mailparser';
import type { MessageBody, MessagePart } from '../mail/mail-types.ts';
import { headerText, isInline } from './mail-fields.ts';

const EMPTY_BODY: MessageBody = {
  text: '',
  html: '',
  attachments: [],
  inline: [],
  listUnsubscribe: { header: '', links: [], headerPost: '' },
};

/**
 * Text, HTML and parts of one message, for the message view (on demand, not at ingest).
 * A message mailparser cannot read at all yields an empty body: its raw source is still served.
 */
export async function parseMessageBody(raw: Buffer): Promise<MessageBody> {
  try {
    const parsed = await simpleParser(raw, {
      skipTextToHtml: true,
      skipImageLinks: true,
      keepCidLinks: true,
    });
    const unsubscribe = headerText(parsed, 'list-unsubscribe');
    return {
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
      attachments: parsed.attachments.filter((a) => !isInline(a)).map(toPart),
      inline: parsed.attachments.filter(isInline).map(toPart),
      listUnsubscribe: {
        header: unsubscribe,
        links: [...unsubscribe.matchAll(/<([^>]+)>/g)].map((m) => m[1] ?? ''),
        headerPost: headerText(parsed, 'list-unsubscribe-post'),
      },
    };
  } catch {
    // Deliberately swallowed: the caller reports the stored parse error; the raw stays readable.
    return EMPTY_BODY;
  }
}

function toPart(a: Attachment): MessagePart {
  const digest = (algorithm: string): string => createHash(algorithm).update(a.content).digest('hex');
  return {
    partId: a.partId ?? '',
    fileName: a.filename ?? '',
    contentType: a.contentType,
    contentId: (a.contentId ?? '').replace(/^<|>$/g, ''),
    size: a.size,
    checksums: { md5: digest('md5'), sha1: digest('sha1'), sha256: digest('sha256') },
  };
}

/** One attachment or inline part's bytes, by Mailpit PartID; null when there is no such part. */
export async function parsePart(
  raw: Buffer,
  partId: string,
): Promise<{ contentType: string; fileName: string; content: Buffer } | null> {
  try {
    const parsed = await simpleParser(raw, {
      skipTextToHtml: true,
      skipImageLinks: true,
      keepCidLinks: true,
    });
    const part = parsed.attachments.find((a) => a.partId === partId);
    if (!part) return null;
    return {
      contentType: part.contentType,
      fileName: part.filename ?? part.contentId?.replace(/^<|>$/g, '') ?? `part-${partId}`,
      content: part.content,
    };
  } catch {
    // Deliberately swallowed: a message mailparser cannot read has no parts to serve.
    return null;
  }
}
