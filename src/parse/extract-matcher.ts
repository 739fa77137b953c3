/**
 * Keyword matching shared by the code and link extractors: the keywords of a table go into one
 * character trie, and a scan walks it from each position, so the cost is linear in the text and
 * independent of the number of keywords (the 700-way regular expression alternation it replaced
 * was half of all extraction time on the fixture corpus, about ten times what the trie costs).
 *
 * Words in scripts that separate words with spaces must stand alone ("pin" is not in "shopping",
 * "code" not in "barcode"); a trailing "*" lets one match the start of a longer word ("kod*" for
 * Polish "kodu", Turkish "kodunuz"). Chinese, Japanese and Korean keywords match anywhere, since
 * those scripts attach particles and use no spaces ("验证码为", "인증번호를"). A space in a keyword
 * also matches a dash or nothing: "sign in" finds "sign-in" and "signin".
 */

export interface KeywordHit<C extends string> {
  start: number;
  end: number;
  category: C;
}

export interface Matcher<C extends string> {
  /** All non-overlapping hits in text, longest keyword first at each position. */
  find(text: string): KeywordHit<C>[];
}

interface Entry<C> {
  category: C;
  /** Must not follow a letter or digit. */
  start: boolean;
  /** Must not be followed by a letter or digit. */
  end: boolean;
}

interface TrieNode<C> {
  /** Children by UTF-16 code unit (small-integer Map keys: no one-character strings per lookup). */
  next: Map<number, TrieNode<C>>;
  entry?: Entry<C>;
}

/** Han, kana, Hangul: scripts where keywords need no word boundary. */
const UNSPACED = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
const WORD_CHAR = /[\p{L}\p{N}]/u;
/** Deepest walk from one position: longer than any keyword with its optional separators. */
const MAX_DEPTH = 48;
const SPACE = 32;
const DASH = 45;
const NBSP = 0xa0;

export function buildMatcher<C extends string>(table: Readonly<Record<C, readonly string[]>>): Matcher<C> {
  // Two tries: words that must start a word are walked only from word starts (about a fifth of positions).
  const bounded: TrieNode<C> = { next: new Map() };
  const free: TrieNode<C> = { next: new Map() };
  for (const category of Object.keys(table) as C[]) {
    for (const raw of table[category]) {
      const prefix = raw.endsWith('*');
      const word = (prefix ? raw.slice(0, -1) : raw).toLowerCase();
      const isFree = UNSPACED.test(word) || !WORD_CHAR.test(word);
      let node = isFree ? free : bounded;
      for (let k = 0; k < word.length; k++) {
        const code = word.charCodeAt(k);
        let child = node.next.get(code);
        if (!child) node.next.set(code, (child = { next: new Map() }));
        node = child;
      }
      // First table entry wins; "code:" and "no." end in punctuation, so need no end boundary.
      node.entry ??= { category, start: !isFree, end: !isFree && !prefix && WORD_CHAR.test(word.slice(-1)) };
    }
  }
  return { find: (text) => scan(bounded, free, text) };
}

function scan<C extends string>(bounded: TrieNode<C>, free: TrieNode<C>, text: string): KeywordHit<C>[] {
  const lower = lowerSameLength(text);
  const hits: KeywordHit<C>[] = [];
  const found: Found<C> = { end: -1, entry: undefined };
  let previousIsWord = false;
  let i = 0;
  while (i < lower.length) {
    found.end = -1;
    found.entry = undefined;
    const code = lower.charCodeAt(i);
    // Bounded words start only where a word starts; free words (CJK, symbols) never on ASCII letters or digits.
    if (!previousIsWord) {
      const b = bounded.next.get(code);
      if (b) longest(b, lower, i + 1, 1, found);
    }
    const ascii = code < 128 && isAsciiWordCode(code);
    if (!ascii) {
      const f = free.next.get(code);
      if (f) longest(f, lower, i + 1, 1, found);
    }
    const entry = found.entry as Entry<C> | undefined; // set by longest()
    if (entry) {
      hits.push({ start: i, end: found.end, category: entry.category });
      i = found.end;
      previousIsWord = isWordChar(lower, i - 1);
    } else {
      previousIsWord = ascii || (code >= 128 && WORD_CHAR.test(lower[i] ?? ''));
      i++;
    }
  }
  return hits;
}

interface Found<C> {
  end: number;
  entry: Entry<C> | undefined;
}

/**
 * Records in found the longest keyword in the trie below node matching text from at. A space in a
 * keyword matches " ", "-", a no-break space or nothing, so "sign in" also finds "sign-in" and
 * "signin"; depth is bounded, so one walk costs at most MAX_DEPTH steps per branch.
 */
function longest<C>(node: TrieNode<C>, text: string, at: number, depth: number, found: Found<C>): void {
  const entry = node.entry;
  if (entry && at > found.end && (!entry.end || at >= text.length || !isWordChar(text, at))) {
    found.end = at;
    found.entry = entry;
  }
  if (depth >= MAX_DEPTH || at >= text.length) {
    const space = node.next.get(SPACE);
    if (space && depth < MAX_DEPTH) longest(space, text, at, depth + 1, found);
    return;
  }
  const code = text.charCodeAt(at);
  const space = node.next.get(SPACE);
  if (space) {
    longest(space, text, at, depth + 1, found);
    if (code === SPACE || code === DASH || code === NBSP) longest(space, text, at + 1, depth + 1, found);
  }
  const child = code === SPACE ? undefined : node.next.get(code);
  if (child) longest(child, text, at + 1, depth + 1, found);
}

function isWordChar(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) return isAsciiWordCode(code);
  return WORD_CHAR.test(text[at] ?? '');
}

function isAsciiWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

/** Lower case with offsets preserved (a few characters, such as "İ", lower-case to two). */
export function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let out = '';
  for (const ch of text) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : ch;
  }
  return out;
}

/** A keyword table written as text: entries separated by "|" or line breaks (keeps long lists compact). */
export function wordList(text: string): string[] {
  return text
    .split(/[|\n]/)
    .map((w) => w.trim())
    .filter(Boolean);
}
