import type { SearchQuery, SearchTerm, TextField } from '../mail/search-types.ts';
import { phraseQuery } from './search-text.ts';

/** A WHERE clause over `messages m` and its parameters. */
export interface SqlFilter {
  readonly where: string;
  readonly params: unknown[];
}

const COLUMNS: Readonly<Record<TextField, string>> = {
  any: '',
  to: '{to_a}',
  from: '{from_a}',
  cc: '{cc_a}',
  bcc: '{bcc_a}',
  'reply-to': '{reply_to_a}',
  addressed: '{from_a to_a cc_a bcc_a reply_to_a}',
  subject: '{subject}',
  'message-id': '{message_id}',
};

const IN_SEARCH = 'm.seq IN (SELECT rowid FROM message_search WHERE message_search MATCH ?)';
const TAGGED_AS = `m.seq IN (SELECT mt.message_seq FROM message_tags mt JOIN tags t ON t.id = mt.tag_id
  WHERE t.name = ? COLLATE NOCASE)`;

/**
 * Turns a parsed search into SQL. Text terms go through the FTS5 index (all positive ones in one
 * MATCH); flags, sizes and dates are plain column tests. Negations follow Mailpit: -larger:x is
 * "size < x", -before:d is "created >= d".
 */
export function searchFilter(query: SearchQuery): SqlFilter {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const positive: string[] = [];
  for (const term of query) {
    if (term.kind === 'text') {
      const match = textMatch(term);
      if (match === null) continue;
      if (term.negate) {
        clauses.push(`NOT ${IN_SEARCH}`);
        params.push(match);
      } else {
        positive.push(`(${match})`);
      }
      continue;
    }
    const [sql, values] = plainClause(term);
    clauses.push(term.negate ? negated(term, sql) : sql);
    params.push(...values);
  }
  if (positive.length > 0) {
    clauses.unshift(IN_SEARCH);
    params.unshift(positive.join(' AND '));
  }
  return { where: clauses.length > 0 ? clauses.join(' AND ') : '1', params };
}

/**
 * A search made only of text terms as one full-text expression for its positive terms and one
 * for its negated ones (null when there are none); null when it has any other term, or no term
 * with a word in it. Such a search can be counted from the FTS5 index alone (mail-reads.ts).
 */
export function textOnlyMatch(
  query: SearchQuery,
): { positive: string | null; negative: string | null } | null {
  const positive: string[] = [];
  const negative: string[] = [];
  for (const term of query) {
    if (term.kind !== 'text') return null;
    const match = textMatch(term);
    if (match !== null) (term.negate ? negative : positive).push(`(${match})`);
  }
  if (positive.length === 0 && negative.length === 0) return null;
  return {
    positive: positive.length > 0 ? positive.join(' AND ') : null,
    negative: negative.length > 0 ? negative.join(' OR ') : null,
  };
}

/**
 * A text term as an FTS5 expression, limited to its field's columns; null for a word with no
 * letter or digit ("-", "@"), which cannot be matched by word and is skipped.
 */
function textMatch(term: Extract<SearchTerm, { kind: 'text' }>): string | null {
  const phrase = phraseQuery(term.value);
  if (phrase === null) return null;
  const columns = COLUMNS[term.field];
  return columns ? `${columns} : ${phrase}` : phrase;
}

function plainClause(term: Exclude<SearchTerm, { kind: 'text' }>): [string, unknown[]] {
  switch (term.kind) {
    case 'tag':
      return [TAGGED_AS, [term.value]];
    case 'flag':
      switch (term.flag) {
        case 'read':
          return ['m.read = 1', []];
        case 'unread':
          return ['m.read = 0', []];
        case 'tagged':
          return ['EXISTS (SELECT 1 FROM message_tags WHERE message_seq = m.seq)', []];
        case 'attachment':
          return ['m.attachments > 0', []];
        case 'inline':
          return ['m.inline > 0', []];
      }
      break;
    case 'date':
      return [term.op === 'before' ? 'm.created_at <= ?' : 'm.created_at >= ?', [term.ms]];
    case 'size':
      return [term.op === 'larger' ? 'm.size > ?' : 'm.size < ?', [term.bytes]];
  }
  return ['1', []];
}

/** Mailpit's negations of ranges flip the comparison (including the boundary it uses). */
function negated(term: Exclude<SearchTerm, { kind: 'text' }>, sql: string): string {
  if (term.kind === 'date') return term.op === 'before' ? 'm.created_at >= ?' : 'm.created_at <= ?';
  if (term.kind === 'size') return term.op === 'larger' ? 'm.size < ?' : 'm.size > ?';
  return `NOT (${sql})`;
}
