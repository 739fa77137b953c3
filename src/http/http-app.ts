import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { HttpConfig } from '../config/config-types.ts';
import type { Log } from '../log/log.ts';
import { basicAuth } from './basic-auth.ts';
import { errorHandler } from './http-errors.ts';
import { demoPage, webPage } from './web-assets.ts';

export interface HttpAppParts {
  readonly config: HttpConfig;
  readonly log: Log;
  /** Mounted at <webroot>api/v1. */
  readonly api: Hono;
  /** Mounted at <webroot>view (/view/{ID}.html and .txt). */
  readonly view: Hono;
  /** The auth API, mounted at <webroot>auth; absent with --no-auth. */
  readonly auth?: Hono;
  /** False once shutdown has begun: /readyz then answers 503 so a load balancer stops sending. */
  readonly ready: () => boolean;
}

/** The root Hono app: health probes, the API, message views and the web UI under one webroot. */
export function createHttpApp(parts: HttpAppParts): Hono {
  const { webroot } = parts.config;
  const base = webroot.replace(/\/$/, '');
  const root = new Hono();
  if (parts.config.corsOrigins.length > 0) {
    const origins = parts.config.corsOrigins;
    root.use(
      `${base}/api/*`,
      cors({
        origin: (origin) =>
          origins.includes('*') ? '*' : origins.some((o) => sameOrigin(o, origin)) ? origin : null,
        allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS'],
      }),
    );
  }
  if (parts.config.credentials) {
    root.use(
      '*',
      basicAuth(parts.config.credentials, [
        `${base}/livez`,
        `${base}/readyz`,
        `${base}/auth`,
        `${base}/auth/*`,
      ]),
    );
  }
  const app = webroot === '/' ? root : root.basePath(base);
  app.get('/livez', (c) => c.text('ok'));
  app.get('/readyz', (c) => (parts.ready() ? c.text('ok') : c.text('shutting down', 503)));
  app.route('/api/v1', parts.api);
  app.route('/view', parts.view);
  if (parts.auth) {
    app.route('/auth', parts.auth);
    app.get('/demo', (c) => c.redirect(`${base}/demo/`, 301));
    app.get('/demo/*', demoPage());
  }
  root.get(webroot, webPage());
  if (webroot !== '/') {
    // "/mail" → "/mail/", so the page's relative API URLs resolve under the webroot.
    root.get(base, (c) => c.redirect(webroot, 301));
  }
  root.notFound((c) =>
    c.json({ Error: `no route for ${c.req.method} ${c.req.path}`, Code: 'not_found' }, 404),
  );
  root.onError(errorHandler(parts.log));
  return root;
}

/** `--api-cors` accepts full origins or, like Mailpit, bare host names. */
function sameOrigin(allowed: string, origin: string): boolean {
  if (allowed.includes('://')) return allowed === origin;
  try {
    return new URL(origin).host === allowed;
  } catch {
    // Not a URL: an origin header we cannot match.
    return false;
  }
}
