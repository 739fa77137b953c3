/**
 * Text for the FTS5 index and for queries, prepared the same way on both sides. unicode61 keeps a
 * run of CJK characters as one token, so a word inside a sentence without spaces could never be
 * found; splitting those scripts into single characters makes a phrase of characters match
 * anywhere, which is how people search Chinese and Japanese.
 */
const CJK = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])/gu;

export function indexText(text: string): string {
  return text.replace(CJK, ' $1 ');
}

/** Letters, digits and marks: what unicode61 keeps inside a token. */
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * A search value as an FTS5 phrase whose last token may be a prefix: "ann@example" becomes
 * `"ann" "example"*`… written as `"ann example"*`. Null when the value has no token at all.
 */
export function phraseQuery(value: string): string | null {
  const tokens = indexText(value).match(TOKEN);
  if (!tokens || tokens.length === 0) return null;
  return `"${tokens.join(' ')}"*`;
}
