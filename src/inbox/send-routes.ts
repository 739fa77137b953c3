import { Hono } from 'hono';
import { clientAddress } from '../http/client-address.ts';
import { z } from 'zod';
import { HttpError } from '../http/http-errors.ts';
import type { MailIngest } from '../mail/mail-ingest.ts';
import { composeMessage } from '../outbound/compose-message.ts';
import { jsonBody, validate } from './request-input.ts';

const email = z.string().email();
const mailbox = z.object({ name: z.string().default(''), email });
const schema = z.object({
  from: mailbox,
  to: z.array(mailbox).default([]),
  cc: z.array(mailbox).default([]),
  bcc: z.array(email).default([]),
  replyto: z.array(mailbox).default([]),
  subject: z.string().default(''),
  text: z.string().default(''),
  html: z.string().default(''),
  tags: z.array(z.string()).default([]),
  headers: z.record(z.string(), z.string()).default({}),
  attachments: z
    .array(
      z.object({
        content: z.string(),
        filename: z.string(),
        contenttype: z.string().default(''),
        contentid: z.string().default(''),
      }),
    )
    .default([]),
});

/** Headers the body's own fields set; Mailpit refuses to let `Headers` overwrite them. */
const RESTRICTED = new Set([
  'to',
  'from',
  'cc',
  'bcc',
  'reply-to',
  'date',
  'subject',
  'content-type',
  'mime-version',
  'x-tags',
]);

/**
 * POST /api/v1/send (Mailpit's send API): builds the message and stores it exactly as if it had
 * arrived over SMTP from the request's address, answering {"ID": "..."}.
 */
export function sendRoutes(ingest: MailIngest): Hono {
  const api = new Hono();
  api.post('/send', async (c) => {
    const body = validate(schema, await jsonBody(c));
    if (body.to.length + body.cc.length + body.bcc.length === 0) {
      throw new HttpError(400, 'invalid_request', 'give at least one recipient in To, Cc or Bcc');
    }
    for (const name of Object.keys(body.headers)) {
      // RFC 5322 §2.2: a field name is printable ASCII without the colon.
      if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
        throw new HttpError(400, 'invalid_request', `"${name}" is not a header name`);
      }
      if (RESTRICTED.has(name.toLowerCase()))
        throw new HttpError(400, 'invalid_request', `cannot overwrite header "${name}"`);
    }
    const headers = { ...body.headers, ...(body.tags.length ? { 'X-Tags': body.tags.join(', ') } : {}) };
    const raw = await composeMessage({
      from: body.from,
      to: body.to,
      cc: body.cc,
      bcc: body.bcc,
      replyTo: body.replyto,
      subject: body.subject,
      text: body.text,
      html: body.html,
      headers,
      attachments: body.attachments.map((a) => ({
        filename: a.filename,
        content: decodeBase64(a.content, a.filename),
        ...(a.contenttype ? { contentType: a.contenttype } : {}),
        ...(a.contentid ? { contentId: a.contentid } : {}),
      })),
    });
    const message = await ingest.accept({
      raw,
      envelope: {
        mailFrom: body.from.email,
        rcptTo: [...body.to.map((a) => a.email), ...body.cc.map((a) => a.email), ...body.bcc],
        helo: '',
        clientAddress: clientAddress(c),
        authUser: null,
        tlsProtocol: null,
        tlsCipher: null,
        smtpUtf8: false,
      },
      session: null,
    });
    return c.json({ ID: message.id });
  });
  return api;
}

/** Base64, optionally as a data: URL (Mailpit takes what follows the last comma). */
function decodeBase64(content: string, filename: string): Buffer {
  const data = content.slice(content.lastIndexOf(',') + 1).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
    throw new HttpError(400, 'invalid_request', `attachment "${filename}" is not base64`);
  }
  return Buffer.from(data, 'base64');
}
