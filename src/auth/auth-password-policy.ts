import { COMMON_PASSWORDS } from './common-passwords.ts';

/**
 * The password rule of specs/auth.md: length in code points and a blocklist, nothing else (NIST SP
 * 800-63B-4 §3.1.1.2 forbids composition rules: they push people to "Password1!" and do not add
 * strength). The blocklist is the bundled list plus the patterns that generate most long weak
 * passwords, so a 15-character minimum is not met by "passwordpassword" or "123456789012345".
 */
export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
}

/** NIST SP 800-63B-4: at least 15 for a password used alone; at least 64 allowed (128 here, scrypt copes). */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 15, maxLength: 128 };

export type PasswordCheck =
  | { ok: true; password: string }
  | { ok: false; code: 'password_too_short' | 'password_too_long' | 'password_common' };

/**
 * NFKC first (NIST: normalise before hashing), so "ｐａｓｓｗｏｒｄ" and "password" are one password
 * and the returned `password` is what gets hashed. Length is counted in code points, so an emoji
 * counts once. Length errors come before "common": they are what the person can fix first.
 */
export function checkPassword(input: string, policy: PasswordPolicy): PasswordCheck {
  const password = input.normalize('NFKC');
  let length = 0;
  for (const _ of password) length++;
  if (length < policy.minLength) return { ok: false, code: 'password_too_short' };
  if (length > policy.maxLength) return { ok: false, code: 'password_too_long' };
  if (isCommonPassword(password)) return { ok: false, code: 'password_common' };
  return { ok: true, password };
}

/**
 * True when a normalised password, lower-cased, is listed or is built from common material:
 * - listed as is, or after undoing leetspeak ("p@ssw0rd");
 * - patterned: wholly made of runs of 3+ characters that are one repeated character, a sequence
 *   (up or down, digits wrapping 9→0: "123456789012345", "zyxwvu…") or a keyboard walk along or
 *   across QWERTY rows ("qwertyuiopasdfgh", "1qaz2wsx3edc4rfv", "zxcvbnm,./", "!@#$%^&*()");
 * - a unit repeated three or more times ("abcabcabcabcabc"), or twice when the unit is itself
 *   common ("passwordpassword", "Summer2024!Summer2024!");
 * - words of the list or patterns with only digits, symbols or spaces around and between them,
 *   naming at most two distinct listed words ("iloveyou12345678", "password12345678!",
 *   "2024 monkey monkey!", "iloveyou-forever!"): two words of a list this size are about 20 bits.
 *   Any unlisted word, or three different listed ones, make a passphrase, which is what keeps
 *   "correct horse battery staple" and "tangerine-orbit-velvet-42" acceptable.
 */
function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  return forms(lower).some(isCommonForm);
}

/**
 * The password, and when it has letters, its leetspeak readings: the whole string ("p455w0rd"),
 * the part between the first and last letter ("p@ssw0rd" of "p@ssw0rd12345678") and only the
 * symbols touching a letter ("1l0v3y0u" of "1l0v3y0u-12345678"), since digits at the ends are as
 * often appended filler as letters in disguise.
 */
function forms(lower: string): string[] {
  if (!/\p{L}/u.test(lower)) return [lower];
  const core = lower.replace(/^\P{L}+|\P{L}+$/gu, '');
  const out = new Set([lower]);
  for (const one of ['i', 'l']) {
    const read = (c: string): string => LEET[c] ?? one;
    out.add(lower.replace(/[013457@$]/g, read));
    out.add(core.replace(/[013457@$]/g, read));
    out.add(lower.replace(/(?<=\p{L})[013457@$]|[013457@$](?=\p{L})/gu, read));
  }
  return [...out];
}

/** The substitutions of common leetspeak; "1" is read both as i and as l (see forms()). */
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

function isCommonForm(text: string): boolean {
  return COMMON_PASSWORDS.has(text) || isPatterned(text) || isRepeatOfCommon(text) || isWordsWithFiller(text);
}

function isRepeatOfCommon(text: string): boolean {
  const chars = [...text];
  const period = smallestPeriod(chars);
  if (period === chars.length) return false;
  const times = chars.length / period;
  return times >= 3 || isCommonForm(chars.slice(0, period).join(''));
}

/** Length of the shortest unit that repeats to give the whole string (its length when none does). */
function smallestPeriod(chars: readonly string[]): number {
  const n = chars.length;
  for (let p = 1; p <= n / 2; p++) {
    if (n % p === 0 && chars.every((c, i) => c === chars[i % p])) return p;
  }
  return n;
}

function isWordsWithFiller(text: string): boolean {
  const words = text.match(/\p{L}+/gu) ?? [];
  // A string that is one word with nothing around it was judged whole by the other rules.
  if (words.length === 0 || words[0] === text) return false;
  const listed = new Set<string>();
  for (const word of words) {
    if (word.length >= MIN_RUN && (isPatterned(word) || isRepeatOfCommon(word))) continue;
    if (!COMMON_PASSWORDS.has(word)) return false;
    listed.add(word);
  }
  return listed.size <= MAX_LISTED_WORDS;
}

/** Three words from the list (~1,300 entries, ~10 bits each) make ~31 bits: a passphrase, not a common password. */
const MAX_LISTED_WORDS = 2;

/** Shortest run that counts as a pattern: "abc", "qaz", "111"; two characters are chance. */
const MIN_RUN = 3;

/** Whole string covered, left to right, by the longest pattern run at each point, each of MIN_RUN+. */
function isPatterned(text: string): boolean {
  const chars = [...text];
  if (chars.length < MIN_RUN) return false;
  for (let i = 0; i < chars.length;) {
    const run = Math.max(...LINKS.map((linked) => runLength(chars, i, linked)));
    if (run < MIN_RUN) return false;
    i += run;
  }
  return true;
}

type Link = (a: string, b: string) => boolean;

function runLength(chars: readonly string[], from: number, linked: Link): number {
  let end = from + 1;
  while (end < chars.length && linked(chars[end - 1] ?? '', chars[end] ?? '')) end++;
  return end - from;
}

/** Next in the alphabet or among digits, wrapping (9→0, z→a), in one direction. */
const step =
  (direction: 1 | -1): Link =>
  (a, b) => {
    const digits = /^\d$/.test(a) && /^\d$/.test(b);
    const letters = /^[a-z]$/.test(a) && /^[a-z]$/.test(b);
    if (!digits && !letters) return false;
    const size = digits ? 10 : 26;
    return (b.charCodeAt(0) - a.charCodeAt(0) - direction + size) % size === 0;
  };

/**
 * US QWERTY, shifted symbols on their keys. Each row's horizontal offset in key widths, as on a
 * real keyboard, makes "1qaz" and "zaq1" walks down and up a column and "qwer" one along a row.
 */
const ROWS: readonly (readonly [string, string, number])[] = [
  ['`1234567890-=', '~!@#$%^&*()_+', 0],
  ['qwertyuiop[]\\', 'qwertyuiop{}|', 0.5],
  ["asdfghjkl;'", 'asdfghjkl:"', 0.75],
  ['zxcvbnm,./', 'zxcvbnm<>?', 1.25],
];
const KEYS: ReadonlyMap<string, { row: number; x: number }> = new Map(
  ROWS.flatMap(([plain, shifted, offset], row) =>
    [...plain].flatMap((key, col) => [
      [key, { row, x: col + offset }] as const,
      [shifted[col] ?? key, { row, x: col + offset }] as const,
    ]),
  ),
);

/** Neighbouring keys: next on the row, or touching on the row above or below. */
const adjacentKey: Link = (a, b) => {
  const p = KEYS.get(a);
  const q = KEYS.get(b);
  if (!p || !q) return false;
  const dx = Math.abs(p.x - q.x);
  if (p.row === q.row) return dx === 1;
  return Math.abs(p.row - q.row) === 1 && dx <= 1;
};

const LINKS: readonly Link[] = [(a, b) => a === b, step(1), step(-1), adjacentKey];
