import { readFileSync } from 'node:fs';
import { Hono } from 'hono';

const INDEX = new URL('../../web/index.html', import.meta.url);

/**
 * The web UI. For now one static page (the inbox UI is built in a later issue); read once at
 * start so a request never touches the disk.
 */
export function webRoutes(): Hono {
  const web = new Hono();
  const index = readFileSync(INDEX, 'utf8');
  web.get('/', (c) => {
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    );
    return c.html(index);
  });
  return web;
}
