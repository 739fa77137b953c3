/**
 * The one email syntax the auth API accepts (specs/auth.md, "email"): deliberately narrower than
 * RFC 5321/5322 so that every accepted address is safe to put in a header, to show, and to compare.
 * No quoted local parts, comments, IP literals or internationalised addresses: real sign-up forms
 * see almost none, and each is a known route to header injection, look-alike accounts or two
 * spellings of one mailbox.
 */
export type EmailCheck =
  { ok: true; address: string; key: string } | { ok: false; code: 'email_invalid' | 'email_too_long' };

/** RFC 5321 §4.5.3.1.1: 64 octets of local part. */
const MAX_LOCAL = 64;
/** RFC 5321 caps a path at 256 octets including "<" and ">"; errata 1690 puts the address at 254. */
const MAX_TOTAL = 254;
/** RFC 1035 §2.3.4: 63 octets per label. */
const MAX_LABEL = 63;

/** Printable ASCII without space: anything else (control, NUL, CR/LF, non-ASCII look-alikes) is out. */
const PRINTABLE = /^[\x21-\x7e]+$/;
/** RFC 5322 §3.2.3 dot-atom: atext runs joined by single dots. */
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** RFC 1123 LDH label: letters, digits, inner hyphens. */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

const INVALID: EmailCheck = { ok: false, code: 'email_invalid' };
const TOO_LONG: EmailCheck = { ok: false, code: 'email_too_long' };

/**
 * Validates a submitted address and returns the form to store (`address`: local part as typed,
 * domain lower-cased) and the form to look up and throttle on (`key`: all lower-cased). Only
 * U+0020 is trimmed: a tab or line break at either end is as suspicious as one in the middle.
 */
export function canonicalEmail(input: string): EmailCheck {
  const trimmed = input.replace(/^ +| +$/g, '');
  if (!PRINTABLE.test(trimmed)) return INVALID;
  const at = trimmed.indexOf('@');
  if (at === -1 || trimmed.indexOf('@', at + 1) !== -1) return INVALID;
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1);
  // Length first: a well-formed but oversized address gets the more helpful code.
  if (local.length > MAX_LOCAL || trimmed.length > MAX_TOTAL) return TOO_LONG;
  if (!DOT_ATOM.test(local) || !isHostName(domain)) return INVALID;
  const address = `${local}@${domain.toLowerCase()}`;
  return { ok: true, address, key: address.toLowerCase() };
}

/** A DNS host name with at least two labels whose last label is not all digits (so no "1.2.3.4"). */
function isHostName(domain: string): boolean {
  const labels = domain.split('.');
  const tld = labels[labels.length - 1] ?? '';
  return (
    labels.length >= 2 &&
    labels.every((label) => label.length <= MAX_LABEL && LABEL.test(label)) &&
    !/^\d+$/.test(tld)
  );
}
