/**
 * Longest a request may wait: 5 minutes, beyond any test's patience and below common proxy
 * idle timeouts (nginx's proxy_read_timeout is 60 s by default; raise it to use long waits).
 */
export const MAX_WAIT_MS = 5 * 60 * 1000;

/** `10s`, `1500ms`, `2m`, or a bare number of seconds → ms; null if unreadable or too long. */
export function parseWaitDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) return null;
  const unit = match[2] ?? 's';
  const ms = Math.round(Number(match[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000));
  return ms <= MAX_WAIT_MS ? ms : null;
}
