import { Hono } from 'hono';
import { z } from 'zod';
import { validationFailed } from './auth-errors.ts';
import { jsonInput } from './auth-request.ts';
import type { AuthService } from './auth-service.ts';

const clockChange = z.union([
  z.object({ advanceMs: z.number().int().min(-1e12).max(1e12) }).strict(),
  z.object({ set: z.string() }).strict(),
  z.object({ frozen: z.boolean() }).strict(),
]);

const eventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

/**
 * Test knobs (`--auth-harness` only; specs/auth.md "Harness mode"). They never weaken a flow:
 * no fixed codes, no secrets in answers, no switch that turns limits off.
 */
export function harnessRoutes(service: AuthService): Hono {
  const app = new Hono();
  const clockJson = () => {
    const state = service.clock.state();
    return { now: new Date(state.now).toISOString(), offsetMs: state.offsetMs, frozen: state.frozen };
  };
  app.get('/clock', (c) => c.json(clockJson()));
  app.post('/clock', async (c) => {
    const change = await jsonInput(c, clockChange);
    if ('advanceMs' in change) service.clock.advance(change.advanceMs);
    else if ('set' in change) {
      const at = Date.parse(change.set);
      if (Number.isNaN(at)) throw validationFailed([{ field: 'set', code: 'time_invalid' }]);
      service.clock.set(at);
    } else service.clock.freeze(change.frozen);
    return c.json(clockJson());
  });
  app.delete('/clock', (c) => {
    service.clock.reset();
    return c.json(clockJson());
  });
  app.post('/reset', (c) => {
    service.wipe();
    return c.body(null, 204);
  });
  app.get('/events', (c) => {
    const parsed = eventsQuery.safeParse(c.req.query());
    if (!parsed.success) throw validationFailed([{ field: 'query', code: 'invalid_type' }]);
    const events = service.events(parsed.data.after, parsed.data.limit).map((e) => ({
      id: e.id,
      at: new Date(e.at).toISOString(),
      type: e.type,
      email: e.emailKey,
      ip: e.ip,
      detail: e.detail,
    }));
    return c.json({ events });
  });
  return app;
}
