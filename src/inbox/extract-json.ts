import type { FoundCode, FoundLink } from '../mail/mail-types.ts';

/** catchall's extraction results in the API's PascalCase (DESIGN.md §3.3). */
export const codeJson = (c: FoundCode) => ({
  Value: c.value,
  Display: c.display,
  Source: c.source,
  Context: c.context,
});
export const linkJson = (l: FoundLink) => ({ URL: l.url, Text: l.text, Kind: l.kind, Source: l.source });

export function extractJson(id: string, codes: readonly FoundCode[], links: readonly FoundLink[]) {
  return { ID: id, Codes: codes.map(codeJson), Links: links.map(linkJson) };
}
