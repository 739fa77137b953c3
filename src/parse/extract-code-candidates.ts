import type { Doc, DocLine } from './extract-doc.ts';

/**
 * Candidate one-time codes in a document, by shape only (scoring is extract-codes.ts's job):
 * digit runs of 4–8, digit groups split evenly by one space or dash ("123 456", "4417-8823",
 * "12 34 56"), upper-case tokens mixing letters and digits ("X9B4TQ"), dash-split upper-case
 * groups ("K7P-2QX"), all-capital words (kept only with strong context), lower-case mixed
 * tokens (likewise), and one character per table cell or inline box ("6 0 4 1 7 3").
 */
export type Shape = 'digits' | 'split' | 'alnum' | 'letters' | 'lower' | 'cells';

export interface Candidate {
  value: string;
  display: string;
  line: number;
  /** Last line the candidate covers (later than line only for one character per cell). */
  lastLine: number;
  /** Span in the line's text (for cells spread over lines: the first line, whole). */
  start: number;
  end: number;
  shape: Shape;
  /** One of several digit groups that do not form a code: a phone number, an ID, a card number. */
  inCluster: boolean;
}

/** More candidates than this means the text is not a mail about a code (or is hostile). */
export const MAX_CANDIDATES = 400;
const TOKEN = /[A-Za-z0-9]+/g;
const SEPARATORS = new Set([' ', '-', '\u2010', '\u2011', '\u2012', '\u2013']);
/** "600px", "2nd", "10am", "4k": numbers with units or ordinals, not codes. */
const UNIT =
  /^\d+(px|pt|em|rem|vh|vw|ms|kb|mb|gb|tb|st|nd|rd|th|am|pm|h|m|s|x|k|mm|cm|km|kg|ml|fps|hz|mhz|ghz|mp|p|gbps|mbps)$/i;
const ONE_CHAR = /^[A-Z0-9]$/;
const SPACED_CHARS = /^(?:[A-Z0-9] ){3,7}[A-Z0-9]$/;

interface Token {
  text: string;
  start: number;
  end: number;
}

export function findCandidates(doc: Doc): Candidate[] {
  const out: Candidate[] = [];
  const lines = doc.lines;
  for (let index = 0; index < lines.length && out.length < MAX_CANDIDATES; index++) {
    const line = lines[index] as DocLine;
    // One character per cell or box, spread over 4–8 consecutive lines.
    if (ONE_CHAR.test(line.text)) {
      let run = index;
      while (run < lines.length && run - index < 9 && ONE_CHAR.test(lines[run]?.text ?? '')) run++;
      const length = run - index;
      if (length >= 4 && length <= 8 && !ONE_CHAR.test(lines[index - 1]?.text ?? '')) {
        const chars = lines.slice(index, run).map((l) => l.text);
        out.push(cell(chars.join(''), chars.join(' '), index, run - 1, line.text.length));
      }
      index = run - 1;
      continue;
    }
    if (SPACED_CHARS.test(line.text)) {
      out.push(cell(line.text.replace(/ /g, ''), line.text, index, index, line.text.length));
      continue;
    }
    // Every shape needs a digit or four capitals in a row: most lines of prose have neither.
    if (/\d|[A-Z]{4}/.test(line.text)) lineCandidates(line.text, index, out);
  }
  return out.slice(0, MAX_CANDIDATES);
}

function cell(value: string, display: string, line: number, lastLine: number, length: number): Candidate {
  return { value, display, line, lastLine, start: 0, end: length, shape: 'cells', inCluster: false };
}

function lineCandidates(text: string, line: number, out: Candidate[]): void {
  const masked = maskLinksAndAddresses(text);
  const tokens: Token[] = [];
  for (const m of masked.matchAll(TOKEN)) {
    // Only tokens with a digit or in capitals can be (part of) a code; prose words are skipped here.
    if (/\d/.test(m[0]) || /^[A-Z]+$/.test(m[0]))
      tokens.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  const used = new Set<number>();
  // Built in place rather than spread from a partial candidate, so every candidate has one object
  // shape: for the 2 KB bench mail's subject, finding candidates took 1.3 instead of 2.3 µs and
  // scoring them 1.3 instead of 2.2 (scratch measurement).
  const push = (
    value: string,
    display: string,
    start: number,
    end: number,
    shape: Shape,
    inCluster: boolean,
  ) => {
    if (out.length < MAX_CANDIDATES)
      out.push({ value, display, line, lastLine: line, start, end, shape, inCluster });
  };

  const lead = text.length - text.trimStart().length;
  const tail = text.trimEnd().length;
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i] as Token;
    const isDigits = /^\d+$/.test(first.text);
    if (!isDigits && !/^[A-Z0-9]+$/.test(first.text)) continue;
    // Extend a cluster of groups joined by exactly one separator (digits by space or dash, caps by
    // dash, or by space when the groups fill the line).
    let j = i;
    let separator = '';
    while (j + 1 < tokens.length) {
      const a = tokens[j] as Token;
      const b = tokens[j + 1] as Token;
      const gap = masked.slice(a.end, b.start);
      if (b.start - a.end !== 1 || !SEPARATORS.has(gap) || (separator && gap !== separator)) break;
      const joins = isDigits
        ? /^\d+$/.test(b.text)
        : /^[A-Z0-9]+$/.test(b.text) &&
          (gap !== ' ' || (first.start === lead && tail === lastEnd(tokens, j + 1, masked)));
      if (!joins) break;
      separator = gap;
      j++;
    }
    const group = tokens.slice(i, j + 1);
    const last = group[group.length - 1] as Token;
    if (group.length > 1 && isEvenSplit(group, isDigits)) {
      for (let k = i; k <= j; k++) used.add(k);
      const display = text.slice(first.start, last.end);
      push(group.map((t) => t.text).join(''), display, first.start, last.end, 'split', false);
    } else if (isDigits) {
      // A lone group is a candidate; groups of a longer uneven cluster (phones, IDs) are weak ones.
      for (let k = i; k <= j; k++) {
        const t = tokens[k] as Token;
        if (/^\d{4,8}$/.test(t.text)) {
          push(t.text, t.text, t.start, t.end, 'digits', group.length > 1);
        }
        used.add(k);
      }
    }
    i = j; // each token starts at most one cluster: linear in the number of tokens
  }

  for (let i = 0; i < tokens.length; i++) {
    if (used.has(i)) continue;
    const t = tokens[i] as Token;
    const shape = tokenShape(t.text);
    if (shape && !(shape !== 'letters' && masked[t.start - 1] === '#')) {
      push(t.text, t.text, t.start, t.end, shape, false);
    }
  }
}

function tokenShape(token: string): Shape | null {
  if (/^\d+$/.test(token) || token.length < 4 || token.length > 10) return null;
  const digits = /\d/.test(token);
  if (!digits) return /^[A-Z]+$/.test(token) ? 'letters' : null;
  if (UNIT.test(token)) return null;
  if (/^[A-Z0-9]+$/.test(token)) return 'alnum';
  return /[a-z]/.test(token) && /^[A-Za-z0-9]+$/.test(token) ? 'lower' : null;
}

/** 3+3, 4+4, 2+2+2, 2+2+2+2 digits; 3–5 character groups of capitals and digits, 2 or 3 of them. */
function isEvenSplit(group: Token[], digits: boolean): boolean {
  const size = group[0]?.text.length ?? 0;
  if (!group.every((t) => t.text.length === size)) return false;
  const total = size * group.length;
  if (digits) return size >= 2 && group.length <= 4 && total >= 6 && total <= 8;
  return size >= 3 && size <= 5 && group.length <= 3 && group.some((t) => /[A-Z]/.test(t.text));
}

/** End of the cluster that would continue from token k over same-separator groups (for "fills the line"). */
function lastEnd(tokens: Token[], k: number, masked: string): number {
  let end = (tokens[k] as Token).end;
  for (let n = k + 1; n < tokens.length && n <= k + 4; n++) {
    const t = tokens[n] as Token;
    if (t.start - end !== 1 || masked[end] !== ' ') break;
    end = t.end;
  }
  return end;
}

/**
 * The line with URLs and e-mail addresses blanked (same length, so offsets hold): tokens inside
 * them are IDs, not codes. Scans by hand around "://", "www." and "@" so the cost stays linear.
 */
export function maskLinksAndAddresses(text: string): string {
  if (!text.includes('://') && !text.includes('www.') && !text.includes('@')) return text;
  const spans: Array<[number, number]> = [];
  const urlEnd = (from: number): number => {
    let end = from;
    while (end < text.length && !URL_STOP.has(text.charCodeAt(end))) end++;
    return end;
  };
  for (let k = text.indexOf('://'); k !== -1; k = text.indexOf('://', k + 3)) {
    let from = k;
    while (from > 0 && k - from < 16 && /[A-Za-z0-9+.-]/.test(text[from - 1] ?? '')) from--;
    if (from === k) continue; // "://" without a scheme
    const end = urlEnd(k + 3);
    spans.push([from, end]);
    k = end - 3;
  }
  for (let k = text.indexOf('www.'); k !== -1; k = text.indexOf('www.', k + 4)) {
    const end = urlEnd(k);
    spans.push([k, end]);
    k = end - 4;
  }
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let from = at;
    while (from > 0 && /[A-Za-z0-9._%+*-]/.test(text[from - 1] ?? '')) from--;
    let to = at + 1;
    while (to < text.length && /[A-Za-z0-9.-]/.test(text[to] ?? '')) to++;
    spans.push([from, to]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [from, to] of spans) {
    if (to <= at) continue;
    const start = Math.max(from, at);
    out += text.slice(at, start) + ' '.repeat(to - start);
    at = to;
  }
  return out + text.slice(at);
}

/** Characters that end a URL in running text: white space, quotes, brackets. */
const URL_STOP = new Set([...' \t\n\r<>"\'()[]{}'].map((c) => c.charCodeAt(0)));
