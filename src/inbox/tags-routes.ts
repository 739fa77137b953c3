import { Hono } from 'hono';
import { z } from 'zod';
import { HttpError } from '../http/http-errors.ts';
import type { Mailbox } from '../mail/mailbox.ts';
import type { MailboxChanges } from '../mail/mailbox-changes.ts';
import { cleanTag } from '../mail/message-tags.ts';
import { jsonBody, validate } from './request-input.ts';

const setSchema = z.object({ ids: z.array(z.string()).default([]), tags: z.array(z.string()).default([]) });
const renameSchema = z.object({ name: z.string() });

/** /api/v1/tags (axllent/mailpit server/apiv1/tags.go). Renaming to a name in use merges the tags. */
export function tagsRoutes(mailbox: Mailbox, changes: MailboxChanges): Hono {
  const api = new Hono();

  api.get('/tags', (c) => c.json(mailbox.tags()));

  // Sets (replaces) the tags of the listed messages; an empty list removes them all.
  api.put('/tags', async (c) => {
    const { ids, tags } = validate(setSchema, await jsonBody(c));
    if (ids.length > 0) await changes.setTags(ids, tags);
    return c.text('ok');
  });

  api.put('/tags/:tag', async (c) => {
    const { name } = validate(renameSchema, await jsonBody(c));
    const to = cleanTag(name);
    if (!to) throw new HttpError(400, 'invalid_request', `"${name}" is not a valid tag name`);
    await changes.renameTag(c.req.param('tag'), to);
    return c.text('ok');
  });

  api.delete('/tags/:tag', async (c) => {
    await changes.deleteTag(c.req.param('tag'));
    return c.text('ok');
  });

  return api;
}
