import type { Candidate } from './extract-code-candidates.ts';
import { codeWords, type CodeWord } from './extract-code-words.ts';
import type { DocLine } from './extract-doc.ts';
import type { KeywordHit } from './extract-matcher.ts';

/**
 * What surrounds a candidate code: the keywords before and after it with their distance in
 * characters, read from per-line keyword hits computed once per line (however many candidates
 * share it). A window spans the candidate's line and up to three lines above (two below); a line
 * break counts as LINE_BREAK characters, so "Your code:\n123456" reads almost like one sentence.
 */
const BEFORE_CHARS = 200;
const AFTER_CHARS = 100;
const LINE_BREAK = 3;
const SNIPPET_CHARS = 80;

export interface Near {
  category: CodeWord;
  /** Characters between the keyword and the candidate. */
  distance: number;
  line: number;
  /** Offset in its line where the keyword ends (before) or starts (after). */
  edge: number;
}

export class CodeContext {
  private readonly cache = new Map<number, KeywordHit<CodeWord>[]>();

  constructor(readonly lines: readonly DocLine[]) {}

  private hits(index: number): KeywordHit<CodeWord>[] {
    let hits = this.cache.get(index);
    if (!hits) this.cache.set(index, (hits = codeWords.find(this.lines[index]?.text ?? '')));
    return hits;
  }

  /** Keywords before offset start of line index, nearest first. Reads only hits inside the window. */
  before(index: number, start: number): Near[] {
    const out: Near[] = [];
    const own = this.hits(index);
    for (let k = firstEndingAfter(own, start) - 1; k >= 0; k--) {
      const h = own[k] as KeywordHit<CodeWord>;
      if (start - h.start > BEFORE_CHARS) break;
      out.push({ category: h.category, distance: start - h.end, line: index, edge: h.end });
    }
    let base = start + LINE_BREAK; // characters from the end of line k to the candidate
    for (let k = index - 1; k >= 0 && k >= index - 3 && base < BEFORE_CHARS; k--) {
      const length = this.lines[k]?.text.length ?? 0;
      const hits = this.hits(k);
      for (let n = hits.length - 1; n >= 0; n--) {
        const h = hits[n] as KeywordHit<CodeWord>;
        const distance = base + length - h.end;
        if (distance + h.end - h.start > BEFORE_CHARS) break;
        out.push({ category: h.category, distance, line: k, edge: h.end });
      }
      base += length + LINE_BREAK;
    }
    return out.sort((a, b) => a.distance - b.distance);
  }

  /** Keywords after offset end of line index, nearest first. Reads only hits inside the window. */
  after(index: number, end: number): Near[] {
    const out: Near[] = [];
    const own = this.hits(index);
    for (let k = firstStartingFrom(own, end); k < own.length; k++) {
      const h = own[k] as KeywordHit<CodeWord>;
      if (h.end - end > AFTER_CHARS) break;
      out.push({ category: h.category, distance: h.start - end, line: index, edge: h.start });
    }
    let base = (this.lines[index]?.text.length ?? 0) - end + LINE_BREAK; // from the candidate to line k
    for (let k = index + 1; k < this.lines.length && k <= index + 2 && base < AFTER_CHARS; k++) {
      for (const h of this.hits(k)) {
        const distance = base + h.start;
        if (distance + h.end - h.start > AFTER_CHARS) break;
        out.push({ category: h.category, distance, line: k, edge: h.start });
      }
      base += (this.lines[k]?.text.length ?? 0) + LINE_BREAK;
    }
    return out.sort((a, b) => a.distance - b.distance);
  }

  /** The text between a keyword found by before() and the candidate. */
  gap(near: Near, index: number, start: number): string {
    if (near.line === index) return (this.lines[index]?.text ?? '').slice(near.edge, start);
    const parts = [(this.lines[near.line]?.text ?? '').slice(near.edge)];
    for (let k = near.line + 1; k < index; k++) parts.push(this.lines[k]?.text ?? '');
    parts.push((this.lines[index]?.text ?? '').slice(0, start));
    return parts.join(' | ');
  }

  /** The last n characters before the candidate (lines joined by " | "). */
  textBefore(index: number, start: number, n: number): string {
    let text = (this.lines[index]?.text ?? '').slice(Math.max(0, start - n), start);
    for (let k = index - 1; k >= 0 && text.length < n; k--)
      text = `${(this.lines[k]?.text ?? '').slice(-n)} | ${text}`;
    return text.slice(-n);
  }

  /** The first n characters after the candidate. */
  textAfter(index: number, end: number, n: number): string {
    let text = (this.lines[index]?.text ?? '').slice(end, end + n);
    for (let k = index + 1; k < this.lines.length && text.length < n; k++)
      text = `${text} | ${(this.lines[k]?.text ?? '').slice(0, n)}`;
    return text.slice(0, n);
  }
}

/** Index of the first hit (hits are in text order) that ends after offset: binary search. */
function firstEndingAfter(hits: readonly KeywordHit<CodeWord>[], offset: number): number {
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((hits[mid] as KeywordHit<CodeWord>).end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first hit that starts at or after offset. */
function firstStartingFrom(hits: readonly KeywordHit<CodeWord>[], offset: number): number {
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((hits[mid] as KeywordHit<CodeWord>).start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The candidate is all its line has, give or take brackets and punctuation ("[583920]", "123456."). */
export function isAlone(c: Candidate, line: DocLine): boolean {
  if (c.shape === 'cells') return true;
  if (line.text.length - (c.end - c.start) > 8) return false;
  const rest = line.text.slice(0, c.start) + line.text.slice(c.end);
  return /^[\s[\](){}【】「」<>:：.,;!'"“”‘’-]*$/.test(rest);
}

/** ≤ 80 characters: the code's line (around the code), or for a code alone on its line, the line above too. */
export function snippet(c: Candidate, lines: readonly DocLine[]): string {
  const line = lines[c.line] ?? { text: '', runs: [] };
  const text = isAlone(c, line) && c.line > 0 ? `${lines[c.line - 1]?.text ?? ''} ${c.display}` : line.text;
  if (text.length <= SNIPPET_CHARS) return text;
  const at = text === line.text ? c.start : text.length - c.display.length;
  const from = Math.max(0, Math.min(at - 40, text.length - SNIPPET_CHARS));
  return `${from > 0 ? '…' : ''}${text.slice(from + (from > 0 ? 1 : 0), from + SNIPPET_CHARS)}`.trim();
}
