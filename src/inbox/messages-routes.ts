import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { HttpError } from '../http/http-errors.ts';
import type { Mailbox } from '../mail/mailbox.ts';
import type { MailboxChanges } from '../mail/mailbox-changes.ts';
import type { SearchQuery } from '../mail/search-types.ts';
import type { Selection } from '../store/mailbox-writes.ts';
import { summaryJson } from './mailpit-json.ts';
import { jsonBody, pageOf, searchOf, timeZoneOf, validate } from './request-input.ts';
import { parseSearch } from './search-query.ts';

/** Go clients send an unset field as null; Mailpit treats that like the field left out. */
const idsSchema = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);
const readSchema = z.object({
  read: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  ids: idsSchema,
  search: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
});
const deleteSchema = z.object({ ids: idsSchema });

/**
 * GET/PUT/DELETE /api/v1/messages and GET/DELETE /api/v1/search (axllent/mailpit
 * server/apiv1/messages.go). Mutations answer plain-text "ok", as Mailpit does.
 */
export function messagesRoutes(mailbox: Mailbox, changes: MailboxChanges): Hono {
  const api = new Hono();

  const list = (c: Context, query: SearchQuery | null) => {
    const { start, limit } = pageOf(c);
    const stats = mailbox.stats();
    const page = mailbox.page(query, start, limit);
    return c.json({
      total: stats.total,
      unread: stats.unread,
      count: page.messages.length,
      messages_count: page.matching,
      messages_unread: page.matchingUnread,
      start,
      tags: mailbox.tags(),
      messages: page.messages.map(summaryJson),
    });
  };

  api.get('/messages', (c) => list(c, null));
  api.get('/search', (c) => list(c, searchOf(c, true)));

  // Mailpit: no IDs and no search → every message; IDs and a search together are an error.
  api.put('/messages', async (c) => {
    const body = validate(readSchema, await jsonBody(c));
    if (body.ids.length > 0 && body.search !== '') {
      throw new HttpError(400, 'invalid_request', 'give either IDs or a search, not both');
    }
    await changes.setRead(selectionFor(body.ids, body.search, timeZoneOf(c)), body.read);
    return c.text('ok');
  });

  // No body, {} or {"IDs": []} deletes every message (Mailpit's DeleteMessages).
  api.delete('/messages', async (c) => {
    const { ids } = validate(deleteSchema, await jsonBody(c));
    await changes.delete(ids.length > 0 ? { ids } : { all: true });
    return c.text('ok');
  });

  api.delete('/search', async (c) => {
    const query = searchOf(c, true);
    if (query) await changes.delete({ query });
    return c.text('ok');
  });

  return api;
}

function selectionFor(ids: readonly string[], search: string, tz: string | undefined): Selection {
  if (ids.length > 0) return { ids };
  if (search.trim() === '') return { all: true };
  const parsed = parseSearch(search, tz);
  if (!parsed.ok) throw new HttpError(400, 'invalid_search', parsed.error);
  return { query: parsed.query };
}
