import { Hono } from 'hono';
import type { Log } from '../log/log.ts';
import { errorHandler } from './http-errors.ts';
import { webPage } from './web-assets.ts';

export interface HttpAppParts {
  readonly webroot: string;
  readonly log: Log;
  /** Mounted at <webroot>api/v1. */
  readonly api: Hono;
  /** False once shutdown has begun: /readyz then answers 503 so a load balancer stops sending. */
  readonly ready: () => boolean;
}

/** The root Hono app: health probes, the API and the web UI under one webroot. */
export function createHttpApp(parts: HttpAppParts): Hono {
  const root = new Hono();
  const app = parts.webroot === '/' ? root : root.basePath(parts.webroot.replace(/\/$/, ''));
  app.get('/livez', (c) => c.text('ok'));
  app.get('/readyz', (c) => (parts.ready() ? c.text('ok') : c.text('shutting down', 503)));
  app.route('/api/v1', parts.api);
  root.get(parts.webroot, webPage());
  if (parts.webroot !== '/') {
    // "/mail" → "/mail/", so the page's relative API URLs resolve under the webroot.
    root.get(parts.webroot.replace(/\/$/, ''), (c) => c.redirect(parts.webroot, 301));
  }
  root.notFound((c) =>
    c.json({ Error: `no route for ${c.req.method} ${c.req.path}`, Code: 'not_found' }, 404),
  );
  root.onError(errorHandler(parts.log));
  return root;
}
