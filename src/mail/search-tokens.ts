/**
 * The tokenizing rules of the search index, shared by the FTS5 side (store/search-text.ts) and
 * the in-memory matcher (search-match.ts), so both always agree. unicode61 keeps a run of CJK
 * characters as one token, so a word inside a sentence without spaces could never be found;
 * splitting those scripts into single characters makes a phrase of characters match anywhere.
 */
const CJK = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])/gu;

/** Letters, digits and marks: what unicode61 keeps inside a token. */
export const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

/** Text as the index sees it: CJK characters stand apart. */
export function splitCjk(text: string): string {
  return text.replace(CJK, ' $1 ');
}
