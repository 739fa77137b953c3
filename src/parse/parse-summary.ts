import { simpleParser, type ParsedMail } from 'mailparser';
import type { ParsedSummary } from '../mail/mail-types.ts';
import { headerDate, headerText, isInline, toAddresses } from './mail-fields.ts';
import { findMimeProblem } from './mime-problems.ts';
import { summaryView } from './mime-skeleton.ts';
import { extract } from './extract.ts';
import { htmlToText } from './html-text.ts';
import { quickParse } from './quick-parse.ts';

/** A best-effort summary, and what was wrong with the MIME if anything (the message is kept either way). */
export interface SummaryResult {
  readonly summary: ParsedSummary;
  readonly problem: string | null;
  /** What the search index gets beyond the summary: body text and attachment names. */
  readonly searchText: string;
  /** The X-Tags header (Mailpit tags messages from it), '' when absent. */
  readonly xTags: string;
}

export const EMPTY_SUMMARY: ParsedSummary = Object.freeze({
  code: null,
  link: null,
  messageId: '',
  subject: '',
  from: null,
  to: [],
  cc: [],
  bcc: [],
  replyTo: [],
  returnPath: '',
  date: null,
  attachments: 0,
  inline: 0,
  snippet: '',
});

/** Mailpit cuts snippets at 200 characters and appends "..." (internal/tools/snippets.go). */
const SNIPPET_LENGTH = 200;

/**
 * The summary fields Mailpit's API lists, derived from the raw message. mailparser is lenient,
 * so structural problems it tolerates (multipart without boundary, missing header separator)
 * are detected separately and reported as `problem`. Always mailparser: ingest tries
 * quickSummary first, so the quick path is not attempted twice for the same message.
 */
export async function parseSummary(raw: Buffer): Promise<SummaryResult> {
  try {
    const parsed: ParsedMail = await simpleParser(summaryView(raw) ?? raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      keepCidLinks: true,
      // Attachment contents are only counted here, never hashed.
      checksumAlgo: false,
    });
    return summarize(parsed, findMimeProblem(raw));
  } catch (error) {
    return unparsed(`MIME parse failed: ${(error as Error).message}`);
  }
}

/**
 * The same result as parseSummary, at once, for simple mail (quick-parse.ts: one text/plain
 * part, or a multipart/mixed of one and attachments); null for any other message, which needs
 * parseSummary.
 */
export function quickSummary(raw: Buffer): SummaryResult | null {
  try {
    const parsed = quickParse(raw);
    // A message quickParse accepts has a header section of "Name: value" lines and is not
    // multipart, so findMimeProblem has nothing to report.
    return parsed ? summarize(parsed, null) : null;
  } catch {
    // Deliberately swallowed: parseSummary then parses the message and reports what is wrong.
    return null;
  }
}

function summarize(parsed: ParsedMail, problem: string | null): SummaryResult {
  return {
    summary: toSummary(parsed),
    problem,
    searchText: searchText(parsed),
    xTags: headerText(parsed, 'x-tags'),
  };
}

function toSummary(parsed: ParsedMail): ParsedSummary {
  const attachments = parsed.attachments.filter((a) => !isInline(a)).length;
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  const found = extract({ subject: parsed.subject ?? '', text: parsed.text ?? '', html });
  return {
    messageId: (parsed.messageId ?? '').replace(/^<|>$/g, ''),
    subject: parsed.subject ?? '',
    from: toAddresses(parsed.from)[0] ?? null,
    to: toAddresses(parsed.to),
    cc: toAddresses(parsed.cc),
    bcc: toAddresses(parsed.bcc),
    replyTo: toAddresses(parsed.replyTo),
    returnPath: headerText(parsed, 'return-path').replace(/^\s*<|>\s*$/g, ''),
    date: headerDate(parsed),
    attachments,
    inline: parsed.attachments.length - attachments,
    snippet: snippet(parsed),
    code: found.codes[0] ?? null,
    link: found.links.find((l) => ACTION_KINDS.has(l.kind)) ?? null,
  };
}

/** The links worth a test's attention: the ones that finish a sign-up, a reset or a login. */
const ACTION_KINDS: ReadonlySet<string> = new Set(['verify', 'reset', 'login']);

/** The result for a message that could not be parsed: no fields, and why. */
export function unparsed(problem: string): SummaryResult {
  return { summary: EMPTY_SUMMARY, problem, searchText: '', xTags: '' };
}

/**
 * 16 KiB of body text per message is indexed: indexing costs about 0.03 ms per 2 KB and grows
 * with length (0.25 ms at 32 KB, scratch measurement), and the words people search for (codes,
 * names, subjects of the action) sit at the top of a mail.
 */
const SEARCH_BODY_CHARS = 16 * 1024;

function searchText(parsed: ParsedMail): string {
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  const body = parsed.text?.trim() ? parsed.text : html ? htmlToText(html) : '';
  const names = parsed.attachments.map((a) => a.filename ?? '').filter(Boolean);
  return [body.slice(0, SEARCH_BODY_CHARS), ...names].join('\n');
}

function snippet(parsed: ParsedMail): string {
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  const source = html.trim() ? htmlToText(html) : (parsed.text ?? '');
  return makeSnippet(source);
}

/**
 * Mailpit's snippet: whitespace collapsed, cut at 200 characters plus "...". Works on a growing
 * prefix of the text rather than the whole body, which can be megabytes.
 */
export function makeSnippet(source: string): string {
  for (let window = 1024; ; window *= 4) {
    // \s includes U+FEFF; a lone space is left alone rather than replaced by itself (cheaper).
    const text = source
      .slice(0, window)
      .replace(/\s{2,}|[^\S ]/g, ' ')
      .trim();
    const complete = window >= source.length;
    const cut = cutAtCodePoints(text, SNIPPET_LENGTH);
    if (cut !== null) return `${cut}...`;
    // Shorter than the limit: done if the window held the whole text.
    if (complete) return text;
  }
}

/** The first `max` code points of `text`, or null if it has no more than that. */
function cutAtCodePoints(text: string, max: number): string | null {
  let count = 0;
  for (let i = 0; i < text.length; count++) {
    if (count === max) return text.slice(0, i);
    i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  }
  return null;
}
