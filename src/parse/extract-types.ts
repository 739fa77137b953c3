/** Domain types of code and link extraction (DESIGN.md §3.3); the HTTP layer maps them to PascalCase. */

/** Already-decoded parts of one mail (the caller parses MIME). */
export interface ExtractInput {
  subject: string;
  text: string;
  html: string;
  /** The List-Unsubscribe header's links (bare URLs or the raw `<…>, <…>` header value). */
  listUnsubscribe?: readonly string[];
}

export type CodeSource = 'subject' | 'text' | 'html';

export interface ExtractedCode {
  /** What a person types: no spaces or dashes. */
  value: string;
  /** As the mail shows it, e.g. "123 456" or "ABC-DEF". */
  display: string;
  source: CodeSource;
  /** A snippet of at most 80 characters around the code. */
  context: string;
}

export type LinkKind = 'verify' | 'reset' | 'login' | 'unsubscribe' | 'other';
export type LinkSource = 'html' | 'text' | 'header';

export interface ExtractedLink {
  /** The destination: entities decoded, click-tracker wrappers removed when the target is recoverable. */
  url: string;
  /** Anchor text, or the surrounding line for a URL in plain text. */
  text: string;
  kind: LinkKind;
  source: LinkSource;
}

export interface Extraction {
  /** Best first; empty when nothing scores as a one-time code. */
  codes: ExtractedCode[];
  /** Action links (verify, reset, login) best first, then other links, then unsubscribe links. */
  links: ExtractedLink[];
}
