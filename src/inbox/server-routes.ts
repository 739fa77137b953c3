import { Hono } from 'hono';
import { z } from 'zod';
import { CHAOS_STAGES, MAX_CHAOS_DELAY_MS, type ChaosTriggers } from '../chaos/chaos-triggers.ts';
import { HttpError } from '../http/http-errors.ts';
import type { Mailbox } from '../mail/mailbox.ts';
import { infoJson, type InfoSource } from './inbox-info.ts';
import { jsonBody, validate } from './request-input.ts';

const trigger = z
  .object({
    errorcode: z.number().int().min(400).max(599).optional(),
    probability: z.number().int().min(0).max(100).optional(),
    next: z.number().int().min(0).max(1_000_000).optional(),
    delayms: z.number().int().min(0).max(MAX_CHAOS_DELAY_MS).optional(),
  })
  .strict();

const chaosSchema = z
  .object(Object.fromEntries(CHAOS_STAGES.map((s) => [s.toLowerCase(), trigger.optional()])))
  .strict();

/** /api/v1/info, /api/v1/webui and /api/v1/chaos. */
export function serverRoutes(mailbox: Mailbox, info: InfoSource, chaos: ChaosTriggers): Hono {
  const api = new Hono();

  api.get('/info', (c) => c.json(infoJson(info, mailbox.stats(), mailbox.tagCounts())));

  // Mailpit's web UI configuration; catchall has no relay, SpamAssassin or duplicate filter.
  api.get('/webui', (c) =>
    c.json({
      Label: '',
      MessageRelay: {
        Enabled: false,
        SMTPServer: '',
        ReturnPath: '',
        AllowedRecipients: '',
        BlockedRecipients: '',
        OverrideFrom: '',
        PreserveMessageIDs: false,
        RecipientAllowlist: '',
      },
      SpamAssassin: false,
      ChaosEnabled: chaos.enabled,
      DuplicatesIgnored: false,
      HideDeleteAllButton: false,
    }),
  );

  const requireChaos = () => {
    if (!chaos.enabled)
      throw new HttpError(400, 'chaos_not_enabled', 'chaos is not enabled (start with --enable-chaos)');
  };

  api.get('/chaos', (c) => {
    requireChaos();
    return c.json(chaos.get());
  });

  // Replaces every trigger; `{}` resets them all (Mailpit's SetChaos).
  api.put('/chaos', async (c) => {
    requireChaos();
    const body = validate(chaosSchema, await jsonBody(c), 'invalid_chaos');
    const update = Object.fromEntries(
      CHAOS_STAGES.flatMap((stage) => {
        const t = body[stage.toLowerCase()];
        return t
          ? [
              [
                stage,
                { ErrorCode: t.errorcode, Probability: t.probability, Next: t.next, DelayMs: t.delayms },
              ],
            ]
          : [];
      }),
    );
    return c.json(chaos.set(update));
  });

  return api;
}
