import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Log } from '../log/log.ts';

/**
 * An expected failure with its HTTP status and a stable machine-readable code. The inbox API
 * answers `{"Error": "<sentence>", "Code": "<code>"}` (Mailpit's JSON error has the `Error` field).
 */
export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;

  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} not found`);

/** The one error mapping: typed errors keep their status; anything else is a logged 500. */
export function errorHandler(log: Log) {
  return (error: Error, c: Context): Response => {
    if (error instanceof HttpError) return c.json({ Error: error.message, Code: error.code }, error.status);
    log.error(`${c.req.method} ${c.req.path} failed`, error);
    return c.json({ Error: 'internal error', Code: 'internal_error' }, 500);
  };
}
