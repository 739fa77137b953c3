import { Hono } from 'hono';
import type { Log } from '../log/log.ts';
import { errorHandler } from './http-errors.ts';
import { webRoutes } from './web-assets.ts';

export interface HttpAppParts {
  readonly webroot: string;
  readonly log: Log;
  /** Mounted at <webroot>api/v1. */
  readonly api: Hono;
}

/** The root Hono app: health probes, the API and the web UI under one webroot. */
export function createHttpApp(parts: HttpAppParts): Hono {
  const root = new Hono();
  const app = parts.webroot === '/' ? root : root.basePath(parts.webroot.replace(/\/$/, ''));
  app.get('/livez', (c) => c.text('ok'));
  app.get('/readyz', (c) => c.text('ok'));
  app.route('/api/v1', parts.api);
  app.route('/', webRoutes());
  root.notFound((c) =>
    c.json({ Error: `no route for ${c.req.method} ${c.req.path}`, Code: 'not_found' }, 404),
  );
  root.onError(errorHandler(parts.log));
  return root;
}
