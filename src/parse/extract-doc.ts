/**
 * The shape the extractors read: a mail body as visual lines, each with the character ranges that
 * are emphasised, plus the anchors of an HTML body. Plain text and the subject become lines too,
 * so code finding runs one way over all three sources.
 */

/** Emphasis flags of a run of HTML text (bits, so nested elements combine). */
export const EMPHASIS = {
  bold: 1,
  /** font-size ≥ 20px (or the em/pt/% equivalent), <h1>, <h2>, <big>, <font size ≥ 5> */
  big: 2,
  /** letter-spacing > 0: templates space out codes so they read digit by digit */
  spaced: 4,
  mono: 8,
  /** class or id names such as "code", "otp", "pin" */
  named: 16,
} as const;

export interface DocRun {
  start: number;
  end: number;
  emphasis: number;
}

export interface DocLine {
  text: string;
  /** Emphasised ranges of text (empty for plain text and the subject). */
  runs: DocRun[];
}

export interface DocAnchor {
  href: string;
  /** Visible text; image-only anchors get the image's alt text, else the title/aria-label. */
  text: string;
  /** Index of the line the anchor ends on (context for "click here" links). */
  line: number;
  /** Styled as a button (background, padding or a button class): the mail's call to action. */
  button: boolean;
}

export interface Doc {
  lines: DocLine[];
  anchors: DocAnchor[];
}

/**
 * Sources are capped before any scanning: 256 KiB is ten times a large transactional mail
 * (typical ones are 5–20 KiB), and the cap keeps hostile input linear and bounded.
 */
export const MAX_SOURCE_CHARS = 256 * 1024;

/** Invisible characters templates use to pad preheaders or split words (ZWSP, ZWNJ, CGJ, soft hyphen…). */
const INVISIBLE = /\u034f|[\u00ad\u180e\u200b-\u200d\u2060\ufeff]/g; // U+034F combines: kept out of the class
/** Full-width digits and Latin letters (CJK mails) map one-to-one onto ASCII, so offsets stay valid. */
const FULL_WIDTH = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g;
const RARE = /\u034f|[\u00ad\u180e\u200b-\u200d\u2060\ufeff\uff10-\uff5a]/;
/**
 * A run of white space, to become one space. JavaScript's \s already holds U+00A0, U+2000–200A,
 * U+202F, U+205F and U+3000. A single space needs no replacing, and matching it anyway made
 * cleanText rebuild every line word by word (a third of extract's time on a 2 KB text mail).
 */
const SPACES = /\s{2,}|[^\S ]/g;
/** SPACES within lines: the same runs, but a line feed is neither part of one nor replaced. */
const SPACES_IN_LINES = /[^\S\n]{2,}|[^\S \n]/g;
const BLANK = /^[\s\u00a0]*$/;

/** Normalises one piece of visible text: invisible characters dropped, full-width folded, spaces collapsed. */
export function cleanText(text: string): string {
  // Most pieces of an HTML body are the indentation between tags: one test settles them.
  if (BLANK.test(text)) return text === '' ? '' : ' ';
  return visibleText(text).replace(SPACES, ' ');
}

function visibleText(text: string): string {
  return RARE.test(text)
    ? text.replace(INVISIBLE, '').replace(FULL_WIDTH, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    : text;
}

/**
 * Plain text (or a subject) as lines: each line as cleanText and trim leave it, empty ones
 * dropped. The whole text is cleaned in one pass before it is split, which gives the same lines
 * (no rule looks across a line feed) with one regular-expression scan instead of three per line:
 * 2.9 instead of 3.7 µs for the 24 lines of the 2 KB bench mail, whose ingest runs this on every
 * message. test/parse/extract-units.test.ts checks it against cleaning line by line.
 */
export function textDoc(text: string): Doc {
  const lines: DocLine[] = [];
  const cleaned = visibleText(text.slice(0, MAX_SOURCE_CHARS)).replace(SPACES_IN_LINES, ' ');
  for (const raw of cleaned.split('\n')) {
    const line = raw.trim();
    if (line) lines.push({ text: line, runs: [] });
  }
  return { lines, anchors: [] };
}

/** Builds lines from pieces of text, tracking emphasised ranges. Used by the HTML walker. */
export class LineBuilder {
  readonly lines: DocLine[] = [];
  private current = '';
  private runs: DocRun[] = [];

  /** Appends visible text; returns the cleaned text actually added. */
  append(raw: string, emphasis: number): string {
    let text = cleanText(raw);
    if (this.current === '' || this.current.endsWith(' ')) text = text.trimStart();
    if (!text) return '';
    const start = this.current.length;
    this.current += text;
    if (emphasis !== 0) {
      const last = this.runs[this.runs.length - 1];
      if (last && last.end === start && last.emphasis === emphasis) last.end = this.current.length;
      else this.runs.push({ start, end: this.current.length, emphasis });
    }
    return text;
  }

  /** A space between inline pieces (e.g. an image), unless one is already there. */
  space(): void {
    if (this.current !== '' && !this.current.endsWith(' ')) this.current += ' ';
  }

  /** Ends the current line (block element boundary). */
  breakLine(): void {
    const text = this.current.trimEnd();
    if (text) {
      const end = text.length;
      const runs = this.runs.filter((r) => r.start < end).map((r) => ({ ...r, end: Math.min(r.end, end) }));
      this.lines.push({ text, runs });
    }
    this.current = '';
    this.runs = [];
  }

  /** Index the current line will have once it is broken (or of the last line when it is empty). */
  currentIndex(): number {
    // append() never starts a line with a space, so a non-empty line has visible text.
    return this.current ? this.lines.length : Math.max(0, this.lines.length - 1);
  }
}
