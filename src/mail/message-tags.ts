import type { MailAddress } from './mail-types.ts';

/** Mailpit's ValidTagRegexp after cleaning: letters, digits, space, - _ . @ */
const INVALID_TAG_CHARS = /[^a-zA-Z0-9\-_.@ ]/g;
const MAX_TAG_LENGTH = 100;

/** Mailpit's tools.CleanTag: invalid characters become spaces, runs of spaces collapse. */
export function cleanTag(tag: string): string {
  return tag.replace(INVALID_TAG_CHARS, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_TAG_LENGTH);
}

/** Cleans, drops empty ones and keeps the first spelling of each tag, case-insensitively. */
export function uniqueTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = cleanTag(raw);
    const key = tag.toLowerCase();
    if (!tag || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out;
}

/**
 * Tags a new message gets, as in Mailpit: the comma-separated X-Tags header, and the part after
 * "+" in To, Cc and Bcc addresses (ann+signup@example.test → "signup"; a+b+c@ → "b", "c").
 */
export function tagsForMessage(xTags: string, recipients: readonly MailAddress[]): string[] {
  const tags = xTags ? xTags.split(',') : [];
  for (const { address } of recipients) {
    const at = address.lastIndexOf('@');
    const local = at === -1 ? address : address.slice(0, at);
    const plus = local.indexOf('+');
    if (plus > 0) tags.push(...local.slice(plus + 1).split('+'));
  }
  return uniqueTags(tags).sort((a, b) => a.localeCompare(b));
}
