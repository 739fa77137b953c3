import { cleanText, type Doc } from './extract-doc.ts';
import { isAboutNonAccount, kindOfText, kindOfUrl, type ActionWord } from './extract-link-words.ts';
import type { ExtractedLink, LinkKind, LinkSource } from './extract-types.ts';
import { unwrapTracker } from './extract-unwrap.ts';

/**
 * Links a person would click, classified. A link is an action (verify, reset, login) only when
 * its words say so AND it carries a one-time token (every real verify/reset/magic link does; a
 * bare /login in a newsletter header does not) AND something independent agrees: the URL names
 * the action or the subject does. That keeps "Log in to your dashboard" buttons of newsletters and
 * "Sign in" footers of receipts out, wrapped by trackers or not.
 */

const MAX_LINKS = 200;
const SKIPPED_SCHEMES = /^(mailto|tel|sms|callto|javascript|data|cid|file|about|blob):/i;
/** Query keys that carry tokens in verify/reset/login links (values of 6+ characters count). */
const TOKEN_KEYS = new Set(
  'token code key t k hash sig signature otp nonce ticket auth confirmation_token reset_token verification_token activation_key'.split(
    ' ',
  ),
);

/** Image sources and open-tracking pixels, which HTML-to-text conversion lists among the links. */
const IMAGE = /\.(png|gif|jpe?g|svg|webp|bmp|ico)([?#]|$)|\/(wf\/open|track\/open|open\.php|o\/|i0\/)/i;

interface RawLink {
  href: string;
  text: string;
  /** The line around it: classifies "click here" and bare URLs. */
  context: string;
  button: boolean;
  source: LinkSource;
}

interface Scored extends ExtractedLink {
  score: number;
  order: number;
}

export function extractLinks(
  html: Doc | null,
  text: Doc,
  subject: string,
  listUnsubscribe: readonly string[],
): ExtractedLink[] {
  const raw: RawLink[] = [];
  if (html) {
    for (const a of html.anchors) {
      raw.push({
        href: a.href,
        text: a.text,
        context: html.lines[a.line]?.text ?? '',
        button: a.button,
        source: 'html',
      });
    }
  }
  // A text part generated from the HTML repeats its links with less to say about them.
  const inHtml = new Set(html?.anchors.map((a) => a.href));
  raw.push(...textLinks(text).filter((link) => !inHtml.has(link.href)));
  for (const href of headerLinks(listUnsubscribe)) {
    raw.push({ href, text: 'List-Unsubscribe', context: '', button: false, source: 'header' });
  }

  const intent = subjectIntent(subject);
  const byUrl = new Map<string, Scored>();
  raw.forEach((link, order) => {
    if (
      byUrl.size >= MAX_LINKS ||
      !/^[a-z][a-z0-9+.-]*:\/\//i.test(link.href) ||
      SKIPPED_SCHEMES.test(link.href)
    )
      return;
    const scored = classify(link, intent, order);
    const previous = byUrl.get(scored.url);
    // The HTML anchor names its link best; the text part (often generated from the HTML) and the
    // header only add links the HTML lacks. Among anchors, the most telling copy wins.
    if (!previous || (previous.source === link.source && rank(scored) > rank(previous))) {
      byUrl.set(scored.url, { ...scored, order: previous?.order ?? order });
    }
  });

  const all = [...byUrl.values()];
  const group = (kind: LinkKind): number => (kind === 'other' ? 1 : kind === 'unsubscribe' ? 2 : 0);
  return all
    .sort(
      (a, b) =>
        group(a.kind) - group(b.kind) || (group(a.kind) === 0 ? b.score - a.score : 0) || a.order - b.order,
    )
    .map(({ url, text, kind, source }) => ({ url, text, kind, source }));
}

function classify(link: RawLink, intent: ActionWord | null, order: number): Scored {
  const { url, opaque } = unwrapTracker(link.href);
  const textKind = kindOfText(link.text);
  const contextKind = textKind || !isGeneric(link.text) ? null : kindOfText(link.context);
  const urlKind = kindOfUrl(url);
  let kind: LinkKind = textKind ?? contextKind ?? urlKind ?? 'other';
  let score = 0;
  if (kind !== 'other' && kind !== 'unsubscribe') {
    const token = opaque || hasToken(url);
    const agreed = urlKind !== null || intent === kind;
    if (!token || !agreed || isAboutNonAccount(link.text, url)) kind = 'other';
    else {
      score =
        (textKind ? 3 : 0) + (contextKind ? 1 : 0) + (urlKind === kind ? 2 : 0) + (intent === kind ? 2 : 0);
      score += (link.button ? 1 : 0) + (link.source === 'html' ? 0.5 : 0);
    }
  }
  const text = link.text.trim().slice(0, 200);
  return { url, text, kind, source: link.source, score, order };
}

/** "Click here", "this link", a bare URL: anchor text that says nothing, so the sentence around it must. */
function isGeneric(text: string): boolean {
  const t = text.trim().toLowerCase();
  return (
    t === '' ||
    /^[a-z][a-z0-9+.-]*:\/\//.test(t) ||
    /^((click|tap|press) )?(here|this link|link|this|hier|ici|aquí|aqui|qui|здесь|тут|这里|這裡|こちら|여기)[.!]?$/.test(
      t,
    )
  );
}

/** Duplicates (button and copy-paste URL, HTML and text part) keep the most telling copy. */
function rank(link: Scored): number {
  const kindRank = link.kind === 'other' ? 0 : link.kind === 'unsubscribe' ? 1 : 2;
  const sourceRank = link.source === 'html' ? 2 : link.source === 'text' ? 1 : 0;
  return kindRank * 100 + link.score * 4 + sourceRank;
}

function subjectIntent(subject: string): ActionWord | null {
  const kind = kindOfText(subject);
  return kind === 'unsubscribe' ? null : kind;
}

/**
 * A one-time token in the URL: a path segment, query value or fragment value of 16+ characters
 * mixing letters and digits, or 24+ URL-safe characters mixing cases, or any 6+ under a key such
 * as token=. Readable slugs ("configuring-two-factor-authentication") are not tokens.
 * Signed tokens (JWT, HMAC, base64url of 32 random bytes = 43 characters) all qualify.
 */
export function hasToken(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false; // unparseable: no token we can vouch for
  }
  const values: Array<[string, string]> = [];
  for (const segment of parsed.pathname.split('/')) values.push(['', segment]);
  for (const [key, value] of parsed.searchParams)
    if (!key.startsWith('utm_')) values.push([key.toLowerCase(), value]);
  for (const part of parsed.hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    values.push(eq === -1 ? ['', part] : [part.slice(0, eq).toLowerCase(), part.slice(eq + 1)]);
  }
  return values.some(([key, value]) => {
    if (TOKEN_KEYS.has(key) && value.length >= 6) return true;
    if (value.length >= 16 && /[A-Za-z]/.test(value) && /\d/.test(value)) return true;
    // Long random base64 without digits still mixes cases; a readable slug (words-and-dashes) does not.
    return (
      value.length >= 24 &&
      /[a-z]/.test(value) &&
      /[A-Z]/.test(value) &&
      /^[A-Za-z0-9_\-.~+/=%]+$/.test(value)
    );
  });
}

/** URLs in a plain-text body, each with the words around it (its line, or the line above when alone). */
/** Links in the plain text: `text` is its textDoc, the same cleaned, non-empty lines the codes are read from. */
function textLinks(text: Doc): RawLink[] {
  const out: RawLink[] = [];
  let previous = '';
  for (const { text: line } of text.lines) {
    if (line.includes('://')) {
      for (const m of line.matchAll(/\b[a-z][a-z0-9+.-]{0,15}:\/\/[^\s<>"'\]]+/gi)) {
        if (out.length >= MAX_LINKS) return out;
        const href = m[0].replace(/[.,;:!?)*}>]+$/, '');
        if (IMAGE.test(href)) continue; // not a link a person clicks
        const rest = cleanText(line.replace(m[0], ' ').replace(/[()[\]<>:]+/g, ' ')).trim();
        const words = /\p{L}{2,}/u.test(rest) ? rest : previous;
        out.push({ href, text: words.slice(0, 200), context: '', button: false, source: 'text' });
      }
    }
    previous = line;
  }
  return out;
}

/** List-Unsubscribe values: bare URLs, or the header's `<…>, <…>` form; mailto: is not a link to click. */
function headerLinks(values: readonly string[]): string[] {
  const out: string[] = [];
  // RFC 2369 headers carry one or two links; 8 KiB and 10 links leave room for odd senders.
  for (const value of values.slice(0, 10)) {
    const text = value.slice(0, 8192);
    const bracketed = [...text.matchAll(/<([^<>]{1,4096})>/g)].map((m) => m[1] ?? '');
    for (const link of bracketed.length ? bracketed : [text]) {
      const href = link.trim();
      if (/^https?:\/\//i.test(href) && out.length < 10) out.push(href);
    }
  }
  return out;
}
