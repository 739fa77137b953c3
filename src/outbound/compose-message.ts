import nodemailer from 'nodemailer';

export interface ComposeInput {
  readonly from: { readonly name: string; readonly email: string };
  readonly to: readonly { readonly name: string; readonly email: string }[];
  readonly cc: readonly { readonly name: string; readonly email: string }[];
  readonly bcc: readonly string[];
  readonly replyTo: readonly { readonly name: string; readonly email: string }[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly attachments: readonly {
    readonly filename: string;
    readonly content: Buffer;
    readonly contentType?: string;
    readonly contentId?: string;
  }[];
}

/**
 * Builds an RFC 5322 message with nodemailer's stream transport (no network): the same MIME an
 * app using nodemailer would send. Bcc is kept out of the headers, as a real client does.
 */
export async function composeMessage(input: ComposeInput): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const mailbox = (a: { name: string; email: string }) => ({ name: a.name, address: a.email });
  const info = await transport.sendMail({
    from: mailbox(input.from),
    to: input.to.map(mailbox),
    cc: input.cc.map(mailbox),
    bcc: [...input.bcc],
    replyTo: input.replyTo.map(mailbox),
    subject: input.subject,
    text: input.text,
    ...(input.html ? { html: input.html } : {}),
    headers: { ...input.headers },
    attachments: input.attachments.map((a) => ({
      filename: a.filename,
      content: a.content,
      ...(a.contentType ? { contentType: a.contentType } : {}),
      ...(a.contentId ? { cid: a.contentId } : {}),
    })),
  });
  return info.message as Buffer;
}
