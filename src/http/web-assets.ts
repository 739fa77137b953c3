import { readFileSync } from 'node:fs';
import type { Handler } from 'hono';

const INDEX = new URL('../../web/index.html', import.meta.url);
const DEMO = new URL('../../web/demo.html', import.meta.url);

const PAGE_POLICY =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/**
 * The web UI's page. For now one static page (the inbox UI is built in a later issue); read once
 * at start so a request never touches the disk.
 */
export function webPage(): Handler {
  return staticPage(INDEX);
}

/**
 * The auth demo (<webroot>demo/…): plain forms over /auth, and the page reset links open by
 * default (<http url>demo/reset-password#token=…). No Referer leaves it: the token must not leak.
 */
export function demoPage(): Handler {
  return staticPage(DEMO, { 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
}

function staticPage(file: URL, headers: Record<string, string> = {}): Handler {
  const page = readFileSync(file, 'utf8');
  return (c) => {
    c.header('Content-Security-Policy', PAGE_POLICY);
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    return c.html(page);
  };
}
