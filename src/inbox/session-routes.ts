import { Hono } from 'hono';
import { notFound } from '../http/http-errors.ts';
import type { Mailbox } from '../mail/mailbox.ts';
import { pageOf } from './request-input.ts';
import { sessionJson, sessionSummaryJson } from './session-json.ts';

/** SMTP sessions and their transcripts (catchall extension): /api/v1/sessions, /api/v1/session/{ID}. */
export function sessionRoutes(mailbox: Mailbox): Hono {
  const api = new Hono();

  api.get('/sessions', (c) => {
    const { start, limit } = pageOf(c);
    const { sessions, total } = mailbox.sessions(start, limit);
    return c.json({ total, start, count: sessions.length, sessions: sessions.map(sessionSummaryJson) });
  });

  api.get('/session/:id', (c) => {
    const session = mailbox.session(c.req.param('id'));
    if (!session) throw notFound('session');
    return c.json(sessionJson(session));
  });

  return api;
}
