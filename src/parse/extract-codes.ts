import { findCandidates, type Candidate, type Shape } from './extract-code-candidates.ts';
import { CodeContext, isAlone, snippet } from './extract-code-context.ts';
import { codeWords, dateWords, type CodeWord } from './extract-code-words.ts';
import { EMPHASIS, type Doc, type DocLine } from './extract-doc.ts';
import type { CodeSource, ExtractedCode } from './extract-types.ts';

/**
 * One-time codes: every candidate of the right shape is scored by what announces it (keywords
 * before and after it, in many languages), how the mail presents it (alone on a line, bold, large,
 * letter-spaced) and what says it is something else (order, phone, price, date, coupon, meeting).
 * Candidates under THRESHOLD are dropped, so newsletters and receipts yield none.
 *
 * The weights were set on the first 72 mails of test/fixtures/extract and checked on 16 more written
 * afterwards (see the test for the figures); they are deliberately coarse: a code needs a keyword (6 or 4) plus its shape (1–4), or a weak keyword plus
 * presentation; one distractor label right before a number (−7) outweighs its shape and emphasis.
 */
export const THRESHOLD = 7;

const SHAPE_SCORE: Readonly<Record<Shape, number>> = {
  digits: 0, // by length, below
  split: 3.5,
  alnum: 2.5,
  cells: 4,
  letters: 0.5,
  lower: 0,
};
/** 6 digits is the default length of TOTP (RFC 6238) and of almost every mailed code. */
const DIGITS_SCORE = [0, 0, 0, 0, 1, 1.5, 3, 2, 1.5];
const WORD_WEIGHT: Readonly<Record<CodeWord, number>> = {
  strong: 6,
  weak: 4,
  support: 1,
  distractor: 0,
  meeting: 0,
};
/** Penalty that rules a candidate out whatever else it has (a price, a decimal, a time). */
const REJECT = 99;
const DISTRACTOR_NEAR = 7;
const DISTRACTOR_FAR = 3;
const MEETING_PENALTY = 6;
/** A second code is reported only when it scores at least this share of the best one. */
const RUNNER_UP_SHARE = 0.6;

interface Scored {
  candidate: Candidate;
  source: CodeSource;
  lines: readonly DocLine[];
  score: number;
}

interface SourceDoc {
  source: CodeSource;
  doc: Doc;
}

export function extractCodes(sources: readonly SourceDoc[], subjectAboutCode: boolean): ExtractedCode[] {
  const best = new Map<string, Scored>();
  const seenIn = new Map<string, Set<CodeSource>>();
  for (const { source, doc } of sources) {
    const context = new CodeContext(doc.lines);
    for (const candidate of findCandidates(doc)) {
      const score = scoreCandidate(candidate, context, source === 'subject' ? false : subjectAboutCode);
      if (score === null) continue;
      const key = candidate.value.toUpperCase();
      (seenIn.get(key) ?? seenIn.set(key, new Set()).get(key))?.add(source);
      const previous = best.get(key);
      if (!previous || score > previous.score) best.set(key, { candidate, source, lines: doc.lines, score });
    }
  }
  // A code in the subject and again in the body is the mail's point ("123456 is your code").
  for (const [key, code] of best) {
    const sources = seenIn.get(key);
    if (sources?.has('subject') && sources.size > 1) code.score += 1.5;
  }
  // Runners-up far below the winner are footer numbers that scraped past the threshold.
  const top = Math.max(0, ...[...best.values()].map((c) => c.score));
  return [...best.values()]
    .filter((c) => c.score >= THRESHOLD && c.score >= top * RUNNER_UP_SHARE)
    .sort((a, b) => b.score - a.score)
    .slice(0, 5)
    .map(({ candidate, source, lines }) => ({
      value: candidate.value,
      display: candidate.display,
      source,
      context: snippet(candidate, lines),
    }));
}

function scoreCandidate(c: Candidate, context: CodeContext, subjectAboutCode: boolean): number | null {
  const line = context.lines[c.line] as DocLine;
  const alone = isAlone(c, line);
  const emphasis = emphasisScore(c, line);
  // A word in capitals is a code only if presented as one (alone or emphasised) and is no keyword.
  if (c.shape === 'letters' && ((!alone && emphasis === 0) || codeWords.find(c.value).length > 0))
    return null;
  const before = context.before(c.line, c.start);
  const afterStart = c.lastLine === c.line ? c.end : (context.lines[c.lastLine]?.text.length ?? 0);
  const after = context.after(c.lastLine, afterStart);

  // Before: the nearest label decides. A distractor right before the number shadows any code word further back.
  let positive = 0;
  let penalty = 0;
  const distractor = before.find((n) => n.category === 'distractor');
  let shadow = Infinity;
  if (distractor && distractor.distance <= 30) {
    const gap = context.gap(distractor, c.line, c.start);
    const numberBetween = /[A-Za-z0-9]{4,}/.test(gap.replace(/[A-Za-z]+/g, (w) => (/\d/.test(w) ? w : '')));
    penalty += numberBetween ? DISTRACTOR_FAR : DISTRACTOR_NEAR;
    if (!numberBetween) shadow = distractor.distance;
  }
  for (const near of before) {
    if (near.distance > shadow) break;
    // "Code: 4321", "Ваш код: 4321": a bare code word labelling the value counts as a strong one.
    const labels =
      near.category === 'weak' &&
      near.distance <= 3 &&
      /^\s*[:：]\s*$/.test(context.gap(near, c.line, c.start));
    positive = Math.max(
      positive,
      (labels ? WORD_WEIGHT.strong : WORD_WEIGHT[near.category]) * decay(near.distance),
    );
  }
  let afterScore = 0;
  for (const near of after) {
    // "2026年", "12345 (order)": a label right after the number, on its line.
    if (near.category === 'distractor' && near.distance <= 12 && near.line === c.lastLine) penalty += 4;
    else if (near.distance <= 40)
      afterScore = Math.max(afterScore, WORD_WEIGHT[near.category] * decay(near.distance));
  }
  const keyword = Math.max(positive, afterScore) + (positive >= 4 && afterScore >= 4 ? 1 : 0);
  const around = [...before, ...after];
  const support = around.some((n) => n.category === 'support') ? 1 : 0;
  if (around.some((n) => n.category === 'meeting')) penalty += MEETING_PENALTY;
  // Coupons and sales: three or more shop, money or order words around a code-looking token.
  if (around.filter((n) => n.category === 'distractor').length >= 3) penalty += 3;

  // Words and lower-case tokens are codes only right after a strong announcement (a capitalised
  // brand name or heading above "Your verification code is …" is not one).
  const strongBefore = before.some((n) => n.category === 'strong');
  if (c.shape === 'letters' && !strongBefore) return null;
  if (c.shape === 'lower' && !(strongBefore && positive >= 5)) return null;

  let score =
    (c.shape === 'digits' ? (DIGITS_SCORE[c.value.length] ?? 0) : SHAPE_SCORE[c.shape]) + keyword + support;
  score += alone ? 2 : 0;
  score += emphasis;
  score += subjectAboutCode ? 1.5 : 0;
  score -= penalty;
  score -= neighbourPenalty(c, line.text, context);
  return score;
}

/** Keyword weight by distance in characters: same phrase, same sentence, nearby lines. */
function decay(distance: number): number {
  if (distance <= 25) return 1;
  if (distance <= 60) return 0.85;
  if (distance <= 120) return 0.65;
  return 0.45;
}

function neighbourPenalty(c: Candidate, text: string, context: CodeContext): number {
  let penalty = 0;
  const prev = text[c.start - 1] ?? '';
  const prev2 = text[c.start - 2] ?? '';
  const next = text[c.end] ?? '';
  const next2 = text[c.end + 1] ?? '';
  // Decimals, times, dates, versions, IPs: digits joined by . , : / are one number.
  if (/[.,:/]/.test(prev) && /\d/.test(prev2)) return REJECT;
  if (/[.,:/]/.test(next) && /\d/.test(next2)) return REJECT;
  if (
    next === '%' ||
    /[$€£¥₹₽₩¢₺₫]/.test(prev + prev2) ||
    /^\s?[$€£¥₹₽₩元円원]/.test(text.slice(c.end, c.end + 2))
  )
    return REJECT;
  if (/^\s?(usd|eur|gbp|jpy|cny|rub|chf|kr|zł|kč|руб)\b/i.test(text.slice(c.end, c.end + 5))) return REJECT;
  if (prev === '#' || prev === '№' || prev === '+') penalty += 6;
  if (prev === '*' || next === '#') penalty += 4;
  if (c.inCluster) penalty += 4;
  // "10119 Berlin", "75002 Paris": a postal code before a city, after a separator.
  const lead = text.slice(Math.max(0, c.start - 2), c.start);
  if (
    /^\d{4,5}$/.test(c.value) &&
    /^ \p{Lu}\p{Ll}/u.test(text.slice(c.end, c.end + 3)) &&
    (c.start === 0 || /[,·|•] ?$/.test(lead))
  ) {
    penalty += 3;
  }
  // "CA 94104", "NSW 2000": a postal code after a state or region abbreviation.
  if (/^\d{4,5}$/.test(c.value) && /[A-Z]{2,3} $/.test(text.slice(Math.max(0, c.start - 4), c.start)))
    penalty += 4;
  if (/^(19|20)\d\d$/.test(c.value)) {
    penalty += 2;
    const near = context.textBefore(c.line, c.start, 25) + ' ' + context.textAfter(c.lastLine, c.end, 10);
    if (dateWords.find(near).length > 0) penalty += 5;
  }
  if (/^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(c.value)) penalty += 2;
  // Promotion codes read as words with a number: SPRING25, WELCOME15, DISPATCH20.
  if (c.shape === 'alnum' && /^[A-Z]{4,}\d{1,3}$/.test(c.value)) penalty += 6;
  return penalty;
}

/** Emphasis of the code itself: a bold paragraph or a <pre> block of source code says nothing about one number in it. */
function emphasisScore(c: Candidate, line: DocLine): number {
  let flags = 0;
  const longest = Math.max(40, c.end - c.start + 30);
  for (const run of line.runs) {
    if (run.start < c.end && run.end > c.start && run.end - run.start <= longest) flags |= run.emphasis;
  }
  let score = 0;
  if (flags & EMPHASIS.bold) score += 1.5;
  if (flags & EMPHASIS.big) score += 2;
  if (flags & EMPHASIS.spaced) score += 2;
  if (flags & EMPHASIS.mono) score += 1;
  if (flags & EMPHASIS.named) score += 1.5;
  return Math.min(score, 3.5);
}
