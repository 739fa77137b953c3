import type { Context } from 'hono';
import { z } from 'zod';
import { HttpError } from '../http/http-errors.ts';
import type { SearchQuery } from '../mail/search-types.ts';
import { isTimeZone, parseSearch } from './search-query.ts';
import { parseWaitDuration } from './wait-duration.ts';

/** Objects whose keys are data (header names), not field names: their keys keep their case. */
const VERBATIM_KEYS = new Set(['headers']);

/**
 * The JSON body of a request with every field name lower-cased, because Mailpit (Go's
 * encoding/json) matches field names case-insensitively and clients send "ids", "IDs" or "Ids".
 * No body, an empty body or `{}` is an empty object: Mailpit clients send DELETE and PUT with a
 * JSON content type and nothing in it.
 */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'invalid_json', `the request body is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'invalid_json', 'the request body must be a JSON object');
  }
  return lowerKeys(value) as Record<string, unknown>;
}

function lowerKeys(value: unknown, verbatim = false): unknown {
  if (Array.isArray(value)) return value.map((v) => lowerKeys(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, child] of Object.entries(value)) {
    const name = verbatim ? key : key.toLowerCase();
    out[name] = lowerKeys(child, !verbatim && VERBATIM_KEYS.has(name));
  }
  return out;
}

/** Validates with zod; the first problem becomes a 400 naming the field. */
export function validate<T extends z.ZodType>(
  schema: T,
  data: unknown,
  code = 'invalid_request',
): z.infer<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `"${issue.path.join('.')}": ` : '';
  throw new HttpError(400, code, `${where}${issue?.message ?? 'invalid'}`);
}

const pageParams = z.object({
  start: z.coerce.number().int().min(0).default(0),
  // Mailpit: limit 0 means no limit; default 50 (server/apiv1/api.go getStartLimit).
  limit: z.coerce.number().int().min(0).default(50),
});

/** `start` and `limit` (Mailpit's defaults), with limit -1 meaning "all" for the store. */
export function pageOf(c: Context): { start: number; limit: number } {
  const { start, limit } = validate(pageParams, c.req.query(), 'invalid_parameter');
  return { start, limit: limit === 0 ? -1 : limit };
}

/** The `query` parameter parsed with Mailpit's grammar; null when absent or blank. */
export function searchOf(c: Context, required = false): SearchQuery | null {
  const text = c.req.query('query') ?? '';
  if (text.trim() === '') {
    if (required) throw new HttpError(400, 'invalid_parameter', 'query parameter "query" is required');
    return null;
  }
  const parsed = parseSearch(text, timeZoneOf(c));
  if (!parsed.ok) throw new HttpError(400, 'invalid_search', parsed.error);
  return parsed.query;
}

/** The `tz` parameter (an IANA zone such as Europe/Berlin), checked; undefined when absent. */
export function timeZoneOf(c: Context): string | undefined {
  const tz = c.req.query('tz');
  if (tz === undefined || tz === '') return undefined;
  if (!isTimeZone(tz))
    throw new HttpError(400, 'invalid_parameter', `query parameter "tz": "${tz}" is not a time zone`);
  return tz;
}

/** The `wait` parameter in ms (0 when absent). */
export function waitOf(c: Context): number {
  const text = c.req.query('wait');
  if (text === undefined || text === '') return 0;
  const ms = parseWaitDuration(text);
  if (ms === null) {
    throw new HttpError(
      400,
      'invalid_parameter',
      `query parameter "wait": "${text}" is not a duration up to 5m (e.g. 10s)`,
    );
  }
  return ms;
}
