import { readFileSync } from 'node:fs';
import type { Handler } from 'hono';

const INDEX = new URL('../../web/index.html', import.meta.url);

const PAGE_POLICY =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/**
 * The web UI's page. For now one static page (the inbox UI is built in a later issue); read once
 * at start so a request never touches the disk.
 */
export function webPage(): Handler {
  const index = readFileSync(INDEX, 'utf8');
  return (c) => {
    c.header('Content-Security-Policy', PAGE_POLICY);
    return c.html(index);
  };
}
