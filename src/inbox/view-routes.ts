import { Hono } from 'hono';
import { notFound } from '../http/http-errors.ts';
import type { MessagePart } from '../mail/mail-types.ts';
import type { Mailbox } from '../mail/mailbox.ts';
import type { MailboxChanges } from '../mail/mailbox-changes.ts';

/**
 * HTML mail is untrusted: served with a policy that runs no script, loads no remote frame and
 * may only be framed by this origin (the web UI shows it in a sandboxed iframe).
 */
const HTML_POLICY =
  "default-src 'none'; img-src * data: cid:; style-src 'unsafe-inline' *; font-src * data:; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox";

/** /view/{ID}.html (?embed=1) and /view/{ID}.txt, as in Mailpit. `{ID}` may be `latest`. */
export function viewRoutes(mailbox: Mailbox, changes: MailboxChanges, settled: () => Promise<unknown>): Hono {
  const view = new Hono();
  view.use('*', async (_c, next) => {
    await settled();
    await next();
  });
  view.get('/:file{.+\\.(html|txt)}', async (c) => {
    const file = c.req.param('file');
    const dot = file.lastIndexOf('.');
    const found = await mailbox.view(file.slice(0, dot));
    if (!found) throw notFound('message');
    changes.opened(found.summary);
    if (file.slice(dot + 1) === 'txt') return c.text(found.body.text);
    c.header('Content-Security-Policy', HTML_POLICY);
    c.header('Referrer-Policy', 'no-referrer');
    // embed=1 is how Mailpit's UI asks for the bare HTML for its iframe; both are the HTML here.
    const html = found.body.html ? withPartLinks(found.body.html, found.summary.id, found.body.inline) : '';
    return c.html(html || `<pre>${escapeHtml(found.body.text)}</pre>`);
  });
  return view;
}

/** Inline images referenced as cid:… load from the part endpoint (the view lives at /view/). */
function withPartLinks(html: string, id: string, inline: readonly MessagePart[]): string {
  const byContentId = new Map(inline.map((p) => [p.contentId, p.partId]));
  return html.replace(/cid:([^"'\s)>]+)/gi, (match, cid: string) => {
    const partId = byContentId.get(decodeURIComponent(cid));
    return partId ? `../api/v1/message/${id}/part/${encodeURIComponent(partId)}` : match;
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
