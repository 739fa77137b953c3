import { Hono } from 'hono';
import { z } from 'zod';
import { HttpError, notFound } from '../http/http-errors.ts';
import type { Mailbox } from '../mail/mailbox.ts';
import { messageJson, summaryJson } from './mailpit-json.ts';
import { sessionJson } from './session-json.ts';
import type { InfoSource } from './inbox-info.ts';
import { infoJson } from './inbox-info.ts';

const listQuery = z.object({
  start: z.coerce.number().int().min(0).default(0),
  // Mailpit: limit 0 means no limit; default 50 (server/apiv1/api.go getStartLimit).
  limit: z.coerce.number().int().min(0).default(50),
});

function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new HttpError(
    400,
    'invalid_parameter',
    `query parameter "${String(issue?.path[0])}": ${issue?.message ?? 'invalid'}`,
  );
}

/**
 * `latest?query=…` needs search, which is not built yet: refuse it rather than silently answer
 * with the newest message, which would hand a test the wrong mail.
 */
function rejectSearch(query: string | undefined): void {
  if (query !== undefined && query !== '') {
    throw new HttpError(400, 'search_not_available', 'searching (?query=) is not available yet');
  }
}

/** Mailpit's /api/v1 (server/apiv1 in axllent/mailpit), the parts implemented so far. */
export function inboxRoutes(mailbox: Mailbox, info: InfoSource): Hono {
  const api = new Hono();

  api.get('/info', (c) => c.json(infoJson(info, mailbox.stats())));

  api.get('/messages', (c) => {
    const { start, limit } = parseQuery(listQuery, c.req.query());
    const stats = mailbox.stats();
    const messages = mailbox.list(start, limit === 0 ? -1 : limit);
    return c.json({
      total: stats.total,
      unread: stats.unread,
      count: messages.length,
      messages_count: stats.total,
      messages_unread: stats.unread,
      start,
      tags: [],
      messages: messages.map(summaryJson),
    });
  });

  api.get('/message/:id', async (c) => {
    rejectSearch(c.req.query('query'));
    const view = await mailbox.view(c.req.param('id'));
    if (!view) throw notFound('message');
    return c.json(messageJson(view));
  });

  api.get('/message/:id/raw', (c) => {
    rejectSearch(c.req.query('query'));
    const found = mailbox.raw(c.req.param('id'));
    if (!found) throw notFound('message');
    c.header('Content-Type', 'text/plain; charset=utf-8');
    if (c.req.query('dl') === '1')
      c.header('Content-Disposition', `attachment; filename="${found.summary.id}.eml"`);
    return c.body(new Uint8Array(found.raw));
  });

  api.get('/session/:id', (c) => {
    const session = mailbox.session(c.req.param('id'));
    if (!session) throw notFound('session');
    return c.json(sessionJson(session));
  });

  return api;
}
