/**
 * Display names (specs/auth.md, "name"): any script, but nothing that can reorder or hide the text
 * around it where the name is shown (bidi controls, the "Trojan Source" trick, CVE-2021-42574)
 * and no control characters or line separators that could break a line of a log or a mail.
 */
export type NameCheck = { ok: true; name: string } | { ok: false; code: 'name_invalid' };

/** Long enough for full names in every culture (W3C "Personal names around the world"), short enough to lay out. */
const MAX_CODE_POINTS = 100;

/**
 * C0, DEL and C1 controls; LRM/RLM (U+200E/F) and the Arabic letter mark (U+061C), which are bidi
 * controls too; embeddings and overrides (U+202A–202E) and isolates (U+2066–2069); line and
 * paragraph separators (U+2028/2029); and unpaired surrogates, which UTF-8 cannot encode.
 */
const FORBIDDEN = /\p{Cc}|[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Surrogate}/u;

const INVALID: NameCheck = { ok: false, code: 'name_invalid' };

/** NFC first so one name has one stored spelling and its length is what a reader sees. */
export function checkName(input: string): NameCheck {
  const name = input.normalize('NFC').trim();
  if (name === '' || FORBIDDEN.test(name)) return INVALID;
  let count = 0;
  for (const _ of name) if (++count > MAX_CODE_POINTS) return INVALID;
  return { ok: true, name };
}
