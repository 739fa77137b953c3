import type { AddressObject, Attachment, EmailAddress, ParsedMail } from 'mailparser';
import type { MailAddress } from '../mail/mail-types.ts';

/** Field helpers shared by the summary parse (ingest) and the full parse (message view). */

/** Inline means shown inside the HTML (a related part with a Content-ID), as Mailpit counts them. */
export function isInline(a: Attachment): boolean {
  return Boolean(a.contentId) && (a.related === true || a.contentDisposition === 'inline');
}

export function toAddresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!value) return [];
  const out: MailAddress[] = [];
  const add = (list: EmailAddress[]): void => {
    for (const a of list) {
      if (a.group) add(a.group);
      else if (a.address || a.name) out.push({ name: a.name ?? '', address: a.address ?? '' });
    }
  };
  for (const object of Array.isArray(value) ? value : [value]) add(object.value);
  return out;
}

export function headerText(parsed: ParsedMail, key: string): string {
  const line = parsed.headerLines.find((h) => h.key === key);
  if (!line) return '';
  return line.line.slice(line.line.indexOf(':') + 1).trim();
}

/** The Date header, or null: mailparser substitutes "now" for an unparseable date, we do not. */
export function headerDate(parsed: ParsedMail): number | null {
  const text = headerText(parsed, 'date');
  if (!text) return null;
  const ms = Date.parse(text.replace(/\s+\([^)]*\)\s*$/, ''));
  return Number.isNaN(ms) ? null : ms;
}
