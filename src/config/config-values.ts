import { isIP } from 'node:net';
import type { ListenAddress } from './config-types.ts';

/** A value parser: the parsed value, or a sentence saying what was expected. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** `HOST:PORT`, `[IPv6]:PORT`, or a bare `PORT` (loopback). Port 0 picks a free port. */
export function parseAddress(text: string): Parsed<ListenAddress> {
  const trimmed = text.trim();
  let host: string;
  let portText: string;
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2] ?? '';
    if (isIP(host) !== 6) return fail(`"${text}" is not an address: [${host}] is not an IPv6 address`);
  } else if (/^\d+$/.test(trimmed)) {
    host = '127.0.0.1';
    portText = trimmed;
  } else {
    const colon = trimmed.lastIndexOf(':');
    if (colon <= 0) return fail(`"${text}" is not an address: expected HOST:PORT, e.g. 127.0.0.1:1025`);
    host = trimmed.slice(0, colon);
    portText = trimmed.slice(colon + 1);
    if (isIP(host) === 0 && !HOSTNAME.test(host)) {
      return fail(`"${text}" is not an address: "${host}" is neither an IP address nor a host name`);
    }
  }
  const port = parseInteger(portText, 0, 65535);
  if (!port.ok) return fail(`"${text}" is not an address: the port must be a whole number from 0 to 65535`);
  return ok({ host, port: port.value });
}

export function parseInteger(text: string, min: number, max: number): Parsed<number> {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) return fail(`"${text}" is not a whole number`);
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return fail(`${trimmed} is out of range (${min} to ${max})`);
  }
  return ok(value);
}

/** Accepts true/false, 1/0, yes/no, on/off (any case), for environment variables. */
export function parseBoolean(text: string): Parsed<boolean> {
  const value = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return ok(true);
  if (['0', 'false', 'no', 'off', ''].includes(value)) return ok(false);
  return fail(`"${text}" is not a boolean (use true or false)`);
}

/** Durations like `60`, `60s`, `5m`, `1500ms` → milliseconds (a bare number is seconds). */
export function parseDuration(text: string, maxMs: number): Parsed<number> {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return fail(`"${text}" is not a duration (e.g. 30s, 5m, 1500ms)`);
  const unit = match[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  const ms = Math.round(Number(match[1]) * factor);
  if (ms < 1 || ms > maxMs) return fail(`"${text}" is out of range (1ms to ${maxMs / 1000}s)`);
  return ok(ms);
}

/** Mailpit's webroot: a path prefix, normalised to start and end with "/". */
export function parseWebroot(text: string): Parsed<string> {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9/_.-]*$/.test(trimmed) || trimmed.includes('..')) {
    return fail(`"${text}" is not a URL path (letters, digits, / _ . - only)`);
  }
  const parts = trimmed.split('/').filter(Boolean);
  return ok(parts.length === 0 ? '/' : `/${parts.join('/')}/`);
}
