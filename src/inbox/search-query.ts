import type { SearchQuery, SearchTerm, TextField } from '../mail/search-types.ts';

export type ParsedSearch = { ok: true; query: SearchQuery } | { ok: false; error: string };

const TEXT_PREFIXES: readonly [string, TextField][] = [
  ['to:', 'to'],
  ['from:', 'from'],
  ['cc:', 'cc'],
  ['bcc:', 'bcc'],
  ['reply-to:', 'reply-to'],
  ['addressed:', 'addressed'],
  ['subject:', 'subject'],
  ['message-id:', 'message-id'],
];

const FLAGS: Readonly<Record<string, Extract<SearchTerm, { kind: 'flag' }>['flag']>> = {
  'is:read': 'read',
  'is:unread': 'unread',
  'is:tagged': 'tagged',
  'has:attachment': 'attachment',
  'has:attachments': 'attachment',
  'has:inline': 'inline',
  'has:inlines': 'inline',
};

/**
 * Mailpit's search grammar (internal/storage/search.go): words separated by spaces, double
 * quotes group words, a leading `-` or `!` negates, and these prefixes: to: from: cc: bcc:
 * reply-to: addressed: subject: message-id: tag: is:read is:unread is:tagged has:attachment
 * has:inline before: after: larger: smaller:. Anything else is free text. Unlike Mailpit, a date
 * or size that cannot be read is an error rather than silently ignored.
 */
export function parseSearch(input: string, timeZone?: string): ParsedSearch {
  const terms: SearchTerm[] = [];
  for (const word of splitArgs(input)) {
    let text = word;
    let negate = false;
    if (text.length > 1 && (text[0] === '-' || text[0] === '!')) {
      negate = true;
      text = text.slice(1);
    }
    const lower = text.toLowerCase();
    const flag = FLAGS[lower];
    if (flag) {
      terms.push({ kind: 'flag', flag, negate });
      continue;
    }
    const prefixed = TEXT_PREFIXES.find(([prefix]) => lower.startsWith(prefix));
    if (prefixed) {
      const value = clean(text.slice(prefixed[0].length));
      if (value) terms.push({ kind: 'text', field: prefixed[1], value, negate });
      continue;
    }
    if (lower.startsWith('tag:')) {
      const value = text.slice(4).trim();
      if (value) terms.push({ kind: 'tag', value, negate });
      continue;
    }
    // A prefix with nothing after it is ignored, as in Mailpit.
    if (/^(before|after|larger|smaller|tag):$/i.test(text)) continue;
    const dated = /^(before|after):(.+)$/i.exec(text);
    if (dated) {
      const ms = parseDate(dated[2] ?? '', timeZone);
      if (ms === null)
        return { ok: false, error: `"${dated[2]}" is not a date (use e.g. 2026-11-23 or 2026-11-23T14:00)` };
      terms.push({ kind: 'date', op: dated[1]?.toLowerCase() === 'before' ? 'before' : 'after', ms, negate });
      continue;
    }
    const sized = /^(larger|smaller):(.+)$/i.exec(text);
    if (sized) {
      const bytes = parseSize(sized[2] ?? '');
      if (bytes === null) return { ok: false, error: `"${sized[2]}" is not a size (use e.g. 500kb or 2mb)` };
      terms.push({
        kind: 'size',
        op: sized[1]?.toLowerCase() === 'larger' ? 'larger' : 'smaller',
        bytes,
        negate,
      });
      continue;
    }
    const value = clean(text);
    if (value) terms.push({ kind: 'text', field: 'any', value, negate });
  }
  return { ok: true, query: terms };
}

/** Mailpit's tools.ArgsParser: split on spaces outside double quotes, then drop the quotes. */
export function splitArgs(input: string): string[] {
  const args: string[] = [];
  let current = '';
  let quoted = false;
  const flush = () => {
    const value = current.replace(/"/g, '').trim();
    if (value) args.push(value);
    current = '';
  };
  for (const ch of input) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === ' ') flush();
    else current += ch;
  }
  flush();
  return args;
}

/** Mailpit's cleanString: separators that cannot be part of a value become spaces. */
function clean(value: string): string {
  return value
    .replace(/\uFEFF/g, ' ')
    .replace(/[\r\n\t<>",;()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `10`, `10b`, `10kb`, `2.5mb`, `1gb` (Mailpit's sizeToBytes, binary units). */
export function parseSize(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s?(b|k|kb|m|mb|g|gb)?$/i.exec(text.trim());
  if (!match) return null;
  const unit = (match[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  const bytes = Math.round(Number(match[1]) * factor);
  return bytes > 0 ? bytes : null;
}

/**
 * A date as people type it: `2026-11-23`, `2026-11-23 14:00`, `2026-11-23T14:00:00Z`, or anything
 * Date.parse reads with an explicit zone. Without a zone the time is read in `timeZone` (Mailpit's
 * `tz` parameter), or in UTC.
 */
export function parseDate(text: string, timeZone?: string): number | null {
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = local;
    const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
    const utc = Date.UTC(...parts);
    // Date.UTC rolls 2026-02-30 over to March 2; a date that does not exist is not a date.
    const back = new Date(utc);
    const same = [
      back.getUTCFullYear(),
      back.getUTCMonth(),
      back.getUTCDate(),
      back.getUTCHours(),
      back.getUTCMinutes(),
      back.getUTCSeconds(),
    ];
    if (same.some((v, i) => v !== parts[i])) return null;
    return timeZone ? utc - zoneOffsetMs(utc, timeZone) : utc;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** The zone's offset from UTC at (about) that instant, via Intl. */
function zoneOffsetMs(utc: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utc));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - utc;
}

/** Whether `timeZone` is a zone Intl knows (the `tz` parameter is checked at the edge). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    // RangeError is how Intl says "unknown zone".
    return false;
  }
}
