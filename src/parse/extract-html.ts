import { EMPHASIS, LineBuilder, MAX_SOURCE_CHARS, type Doc, type DocAnchor } from './extract-doc.ts';
import { lowerSameLength } from './extract-matcher.ts';
import { decodeEntities } from './html-text.ts';

/**
 * One linear pass over an HTML body: visible text as lines with emphasis, and the anchors.
 * Tags are found with indexOf (no regular expression spans a tag), an unterminated tag or comment
 * ends the walk, and the open-element stack is bounded, so hostile markup costs O(n).
 */

/** Elements that start a new visual line (td/th too: a cell holding only the code reads as its own line). */
const BLOCK = new Set(
  'address article aside blockquote body center dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul'.split(
    ' ',
  ),
);
/** Inline elements join their text without a space: <span>4</span><span>8</span> reads "48". */
const INLINE = new Set(
  'a abbr b big cite code em font i ins kbd label mark q s samp small span strike strong sub sup tt u var o:p'.split(
    ' ',
  ),
);
const VOID = new Set('area base br col embed hr img input link meta param source track wbr'.split(' '));
/** Elements whose content is never shown. */
const HIDDEN = new Set(['style', 'script', 'title', 'xml', 'template']);
const TAG_EMPHASIS: Readonly<Record<string, number>> = {
  b: EMPHASIS.bold,
  strong: EMPHASIS.bold,
  h1: EMPHASIS.big | EMPHASIS.bold,
  h2: EMPHASIS.big | EMPHASIS.bold,
  h3: EMPHASIS.bold,
  big: EMPHASIS.big,
  code: EMPHASIS.mono,
  kbd: EMPHASIS.mono,
  samp: EMPHASIS.mono,
  tt: EMPHASIS.mono,
  pre: EMPHASIS.mono,
};
/** Deeper nesting than this is not real mail; beyond it elements are not tracked (bounds each pop). */
const MAX_DEPTH = 64;
const MAX_ANCHORS = 500;
const MAX_ANCHOR_TEXT = 200;
/** Attributes are read from the first 8 KiB of a tag: tracker hrefs run to ~1 KiB, styles less. */
const MAX_TAG_CHARS = 8 * 1024;

interface OpenElement {
  name: string;
  emphasis: number;
}

interface OpenAnchor {
  href: string;
  text: string;
  alt: string;
  title: string;
  button: boolean;
}

export function htmlDoc(input: string): Doc {
  const html = input.slice(0, MAX_SOURCE_CHARS);
  const lower = lowerSameLength(html); // indexes into html: "İ" must not shift them
  const out = new LineBuilder();
  const stack: OpenElement[] = [];
  const anchors: DocAnchor[] = [];
  let anchor: OpenAnchor | null = null;

  const emphasisNow = (): number => stack[stack.length - 1]?.emphasis ?? 0;
  const addText = (raw: string): void => {
    const added = out.append(raw.includes('&') ? decodeEntities(raw) : raw, emphasisNow());
    if (anchor && added && anchor.text.length < MAX_ANCHOR_TEXT) anchor.text += ` ${added}`;
  };
  const closeAnchor = (): void => {
    if (!anchor) return;
    if (anchors.length < MAX_ANCHORS) {
      const text = (anchor.text.trim() || anchor.alt.trim() || anchor.title).replace(/\s+/g, ' ');
      anchors.push({
        href: anchor.href,
        text: text.slice(0, MAX_ANCHOR_TEXT),
        line: out.currentIndex(),
        button: anchor.button,
      });
    }
    anchor = null;
  };

  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      addText(html.slice(i));
      break;
    }
    if (lt > i) addText(html.slice(i, lt));
    const next = html.charCodeAt(lt + 1);
    if (html.startsWith('<!--', lt)) {
      // Conditional comments (<!--[if mso]>…<![endif]-->) hold Outlook-only duplicates: skipped with them.
      const close = html.indexOf('-->', lt + 4);
      if (close === -1) break;
      i = close + 3;
      continue;
    }
    const isLetter = (next >= 65 && next <= 90) || (next >= 97 && next <= 122);
    if (!isLetter && next !== 47 /* / */ && next !== 33 /* ! */ && next !== 63 /* ? */) {
      addText('<'); // a bare "<" in text, as browsers show it
      i = lt + 1;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt === -1) break; // an unterminated tag: nothing visible follows
    i = gt + 1;
    if (!isLetter && next !== 47) continue; // <!DOCTYPE>, <?xml?>, <![CDATA[
    const closing = next === 47;
    const nameStart = closing ? lt + 2 : lt + 1;
    let nameEnd = nameStart;
    while (nameEnd < gt && isNameCode(html.charCodeAt(nameEnd))) nameEnd++;
    const name = lower.slice(nameStart, nameEnd);

    if (closing) {
      if (BLOCK.has(name)) out.breakLine();
      if (name === 'a') closeAnchor();
      for (let k = stack.length - 1; k >= 0; k--) {
        if (stack[k]?.name === name) {
          stack.length = k;
          break;
        }
      }
      continue;
    }

    if (HIDDEN.has(name)) {
      const close = lower.indexOf(`</${name}`, gt);
      const closeEnd = close === -1 ? -1 : html.indexOf('>', close);
      if (closeEnd === -1) break;
      i = closeEnd + 1;
      continue;
    }
    const tagEnd = Math.min(gt, nameEnd + MAX_TAG_CHARS);
    const attrs = new TagAttributes(html.slice(nameEnd, tagEnd), lower.slice(nameEnd, tagEnd));
    if (name === 'br') {
      out.breakLine();
      continue;
    }
    if (BLOCK.has(name)) out.breakLine();
    else if (!INLINE.has(name)) out.space();
    if (name === 'img' && anchor && anchor.alt.length < MAX_ANCHOR_TEXT)
      anchor.alt += ` ${attrs.get('alt', true) ?? ''}`;
    if (name === 'a') {
      closeAnchor();
      const href = attrs.get('href', true);
      if (href !== undefined) {
        const style = attrs.get('style') ?? '';
        anchor = {
          href: decodeEntities(href).replace(/\s+/g, ''),
          text: '',
          alt: '',
          title: attrs.get('title', true) ?? attrs.get('aria-label', true) ?? '',
          button:
            /background|padding|border/i.test(style) || /\b(btn|button|cta)/i.test(attrs.get('class') ?? ''),
        };
      }
    }
    const selfClosing = html.charCodeAt(gt - 1) === 47;
    if (!VOID.has(name) && !selfClosing && stack.length < MAX_DEPTH) {
      stack.push({ name, emphasis: emphasisNow() | ownEmphasis(name, attrs) });
    }
  }
  closeAnchor();
  out.breakLine();
  return { lines: out.lines, anchors };
}

/**
 * Attribute values of one tag, looked up by name with indexOf on demand (most tags are asked for
 * style, class and id only). Values keep their case when asked; lookups are linear in the tag.
 */
class TagAttributes {
  constructor(
    private readonly tag: string,
    private readonly lowerTag: string,
  ) {}

  get(name: string, keepCase = false): string | undefined {
    const { lowerTag } = this;
    for (let k = lowerTag.indexOf(name); k !== -1; k = lowerTag.indexOf(name, k + name.length)) {
      const before = lowerTag.charCodeAt(k - 1);
      if (k > 0 && !isSpaceCode(before) && before !== 34 && before !== 39) continue; // part of another name
      let i = k + name.length;
      while (isWhitespaceCode(lowerTag.charCodeAt(i))) i++;
      if (lowerTag.charCodeAt(i) !== 61 /* = */) continue;
      i++;
      while (isWhitespaceCode(lowerTag.charCodeAt(i))) i++;
      const source = keepCase ? this.tag : lowerTag;
      const quote = source[i];
      if (quote === '"' || quote === "'") {
        const close = source.indexOf(quote, i + 1);
        return source.slice(i + 1, close === -1 ? source.length : close);
      }
      let end = i;
      while (end < source.length && !isWhitespaceCode(source.charCodeAt(end))) end++;
      return source.slice(i, end);
    }
    return undefined;
  }
}

/** Space, tab, line feed, carriage return, and "/" (which separates attributes in "<br/>"). */
function isSpaceCode(code: number): boolean {
  return isWhitespaceCode(code) || code === 47;
}

function isWhitespaceCode(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** Letters, digits, ":" and "-": the characters of a tag name ("o:p", "v:roundrect"). */
function isNameCode(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 58) || code === 45
  );
}

/** Emphasis an element adds, from its tag and inline style (the way templates make a code stand out). */
function ownEmphasis(name: string, attrs: TagAttributes): number {
  let emphasis = TAG_EMPHASIS[name] ?? 0;
  const style = (attrs.get('style') ?? '').slice(0, 2000);
  if (style.includes('font') || style.includes('letter')) {
    if (/font-weight\s*:\s*(bold|bolder|[6-9]00)/.test(style)) emphasis |= EMPHASIS.bold;
    const size = /font-size\s*:\s*([\d.]+)\s*(px|pt|em|rem|%)?/.exec(style);
    if (size && isLargeFont(Number(size[1]), size[2] ?? 'px')) emphasis |= EMPHASIS.big;
    const spacing = /letter-spacing\s*:\s*([\d.]+)/.exec(style);
    if (spacing && Number(spacing[1]) > 0) emphasis |= EMPHASIS.spaced;
    if (/font-family\s*:[^;]*(mono|courier|consolas|menlo|monaco)/.test(style)) emphasis |= EMPHASIS.mono;
  }
  if (name === 'font' && Number(attrs.get('size') ?? '0') >= 5) emphasis |= EMPHASIS.big;
  const names = `${attrs.get('class') ?? ''} ${attrs.get('id') ?? ''}`;
  if (names.length > 1 && /(^|[^a-z])(code|otp|pin|passcode|verification)([^a-z]|$)/i.test(names))
    emphasis |= EMPHASIS.named;
  return emphasis;
}

/** Body text in mail is 13–16px; 20px and up (15pt, 1.25em, 125%) is a headline or a code. */
function isLargeFont(value: number, unit: string): boolean {
  if (unit === 'pt') return value >= 15;
  if (unit === 'em' || unit === 'rem') return value >= 1.25;
  if (unit === '%') return value >= 125;
  return value >= 20;
}
