import { splitCjk, TOKEN } from '../mail/search-tokens.ts';

/** Text for the FTS5 index, prepared as queries are (mail/search-tokens.ts). */
export function indexText(text: string): string {
  return splitCjk(text);
}

/**
 * A search value as an FTS5 phrase whose last token may be a prefix: "ann@example" becomes
 * `"ann example"*`. Null when the value has no token at all.
 */
export function phraseQuery(value: string): string | null {
  const tokens = indexText(value).match(TOKEN);
  if (!tokens || tokens.length === 0) return null;
  return `"${tokens.join(' ')}"*`;
}
