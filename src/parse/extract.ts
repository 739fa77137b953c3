import { codeWords } from './extract-code-words.ts';
import { extractCodes } from './extract-codes.ts';
import { textDoc } from './extract-doc.ts';
import { htmlDoc } from './extract-html.ts';
import { extractLinks } from './extract-links.ts';
import type { ExtractInput, Extraction } from './extract-types.ts';

export type {
  CodeSource,
  ExtractInput,
  ExtractedCode,
  ExtractedLink,
  Extraction,
  LinkKind,
  LinkSource,
} from './extract-types.ts';

/**
 * The one-time codes and the action links of one mail, best first (DESIGN.md §3.3). Pure and
 * synchronous; each source is capped at 256 KiB and every pass is linear, so it runs at ingest on
 * every message (a typical 5–20 KiB mail takes well under a millisecond).
 */
export function extract(input: ExtractInput): Extraction {
  // RFC 5322 recommends 78 characters per header line; 1000 characters is any real subject.
  const subjectText = input.subject.slice(0, 1000);
  const subject = textDoc(subjectText);
  const text = textDoc(input.text);
  const html = input.html ? htmlDoc(input.html) : null;
  const subjectAboutCode = subject.lines.some((line) =>
    codeWords.find(line.text).some((h) => h.category === 'strong' || h.category === 'weak'),
  );
  const codes = extractCodes(
    [
      { source: 'subject', doc: subject },
      ...(html ? [{ source: 'html' as const, doc: html }] : []),
      { source: 'text', doc: text },
    ],
    subjectAboutCode,
  );
  const links = extractLinks(html, text, subjectText, input.listUnsubscribe ?? []);
  return { codes, links };
}
