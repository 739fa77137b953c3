import type { Context } from 'hono';
import { isIP } from 'node:net';
import { z } from 'zod';
import { clientAddress } from '../http/client-address.ts';
import { AuthError, validationFailed, type FieldError } from './auth-errors.ts';

/**
 * The JSON body of a POST: application/json only (415), parsed (a syntax error is a 400
 * validation_failed on the field "body"), and checked against `schema` with every problem
 * listed. The size limit (413) is enforced before, by the body-limit middleware. zod builds a
 * fresh object of the known fields only, so "__proto__" or "constructor" keys go nowhere.
 */
export async function jsonInput<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new AuthError(415, 'unsupported_media_type', 'send the request body as application/json');
  }
  let data: unknown;
  try {
    data = JSON.parse(await c.req.text());
  } catch {
    throw validationFailed([{ field: 'body', code: 'json_invalid' }]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw validationFailed([{ field: 'body', code: 'json_object_expected' }]);
  }
  // reportInput: zod 4 leaves `issue.input` out otherwise, and every wrong type would read "required".
  const parsed = schema.safeParse(data, { reportInput: true });
  if (parsed.success) return parsed.data;
  const errors: FieldError[] = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.') || 'body',
    code: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : 'invalid_type',
  }));
  throw validationFailed(errors);
}

/** A required string field (limits on content are the service's policy checks). */
export const text = () => z.string();

/**
 * The client IP for per-IP limits: the socket's address; with --trust-proxy-hops N, the address
 * N entries from the right of X-Forwarded-For (the ones our own proxies appended); in harness
 * mode, X-Harness-Client-Ip simulates distinct clients.
 */
export function clientIp(c: Context, trustProxyHops: number, harness: boolean): string {
  if (harness) {
    const simulated = c.req.header('x-harness-client-ip');
    if (simulated !== undefined) {
      if (isIP(simulated.trim()) === 0) {
        throw validationFailed([{ field: 'X-Harness-Client-Ip', code: 'ip_invalid' }]);
      }
      return simulated.trim();
    }
  }
  const socket = clientAddress(c);
  if (trustProxyHops === 0) return socket;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const candidate = hops[hops.length - trustProxyHops];
  return candidate !== undefined && isIP(candidate) !== 0 ? candidate : socket;
}
