import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** The socket's remote address ('' if unknown); proxies' headers are not trusted here. */
export function clientAddress(c: Context): string {
  return getConnInfo(c).remote.address ?? '';
}
