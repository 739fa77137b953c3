import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD_POLICY, checkPassword } from '../../src/auth/auth-password-policy.ts';
import { COMMON_PASSWORDS } from '../../src/auth/common-passwords.ts';

const LENIENT = { minLength: 8, maxLength: 128 };
/** 128 code points of prose: long, varied, no repeated unit. */
const PROSE =
  'The quick brown fox jumps over the lazy dog while seven wizards quietly hex jovial bumpkins near the amber river at dusk, again and again.'.slice(
    0,
    128,
  );

describe('checkPassword applies the length limits in code points after NFKC', () => {
  it('uses 15 and 128 by default', () => {
    expect(DEFAULT_PASSWORD_POLICY).toEqual({ minLength: 15, maxLength: 128 });
  });

  it.each<[string, string, string]>([
    ['14 characters', 'tangerine-orbi', 'password_too_short'],
    ['empty', '', 'password_too_short'],
    ['14 emoji (28 UTF-16 units)', '🍎🍌🍇🍉🍓🍒🍑🍍🥝🥥🥑🍆🥕🌽', 'password_too_short'],
    ['129 characters', `${PROSE}!`, 'password_too_long'],
    [
      '15 decomposed accents: 30 code points typed, 15 after normalising',
      'e\u0301'.repeat(14),
      'password_too_short',
    ],
  ])('refuses %s', (_name, input, code) => {
    expect(checkPassword(input, DEFAULT_PASSWORD_POLICY)).toEqual({ ok: false, code });
  });

  it.each<[string, string]>([
    ['15 emoji (30 UTF-16 units)', '🍎🍌🍇🍉🍓🍒🍑🍍🥝🥥🥑🍆🥕🌽🥦'],
    ['128 characters', PROSE],
    ['14 characters with a ligature that normalises to 15', '\ufb01re-lake-stone'],
  ])('accepts %s', (_name, input) => {
    expect(checkPassword(input, DEFAULT_PASSWORD_POLICY).ok).toBe(true);
  });

  it('reports length before commonness, so a short common password reads as too short', () => {
    expect(checkPassword('password', DEFAULT_PASSWORD_POLICY)).toEqual({
      ok: false,
      code: 'password_too_short',
    });
    expect(checkPassword('password', LENIENT)).toEqual({ ok: false, code: 'password_common' });
  });

  it('honours a configured policy', () => {
    const policy = { minLength: 8, maxLength: 10 };
    expect(checkPassword('river-glass', policy)).toEqual({ ok: false, code: 'password_too_long' });
    expect(checkPassword('rivglass', policy)).toEqual({ ok: true, password: 'rivglass' });
  });
});

describe('checkPassword returns the NFKC form, which is what gets hashed', () => {
  it.each<[string, string, string]>([
    ['full-width letters become ASCII', 'ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ', 'correct horse battery'],
    ['a ligature is spelled out', '\ufb01re-lake-stone', 'fire-lake-stone'],
    ['case is kept', 'Correct Horse Battery Staple', 'Correct Horse Battery Staple'],
    ['a decomposed é is composed', 'cafe\u0301 orbit velvet', 'caf\u00e9 orbit velvet'],
  ])('%s', (_name, input, password) => {
    expect(checkPassword(input, DEFAULT_PASSWORD_POLICY)).toEqual({ ok: true, password });
  });
});

describe('checkPassword refuses common passwords, whatever their case', () => {
  it.each<[string, string]>([
    ['a doubled listed word', 'passwordpassword'],
    ['a doubled listed word in mixed case', 'PassWordPASSWORD'],
    ['a doubled phrase', 'iloveyouiloveyou'],
    ['a keyboard row and a half', 'qwertyuiopasdfghjkl'],
    ['a digit run that wraps', '1234567890123456'],
    ['a digit run of 15', '123456789012345'],
    ['a descending digit run', '987654321098765'],
    ['the alphabet', 'abcdefghijklmnop'],
    ['the alphabet backwards', 'zyxwvutsrqponmlk'],
    ['runs of letters and digits', 'abcd1234efgh5678'],
    ['one character repeated', 'aaaaaaaaaaaaaaa'],
    ['a short unit repeated', 'abcabcabcabcabc'],
    ['an unlisted short word repeated', 'zebrazebrazebra'],
    ['a listed word with digits, doubled', 'Summer2024!Summer2024!'],
    ['two keyboard rows', 'qwertyuiopasdfgh'],
    ['keyboard columns down', '1qaz2wsx3edc4rfv'],
    ['keyboard columns up', 'zaq1xsw2cde3vfr4'],
    ['a keyboard row backwards', 'poiuytrewqlkjhgfdsa'],
    ['the shifted digit row', '!@#$%^&*()_+!@#$'],
    ['keyboard rows split by spaces', 'qwerty uiop asdf'],
    ['a listed phrase with digits appended', 'iloveyou12345678'],
    ['a listed word with digits and a symbol appended', 'password12345678!'],
    ['a listed word with digits prepended', '12345678password'],
    ['a listed word with symbols appended', 'Dragon!!!!!!!!!!!!'],
    ['a listed word between digits and spaces', '2024 monkey monkey!'],
    ['a listed word in leetspeak with digits', 'P@ssw0rd12345678'],
    ['a listed word in leetspeak, doubled', 'Pa55word-Pa55word'],
    ['a listed phrase in leetspeak with a one for i', '1l0v3y0u-12345678'],
    ['two listed words with symbols', 'iloveyou-forever!'],
    ['two listed words with spaces and a digit', 'dragon monkey 7 dragon'],
    ['full-width forms of a listed word (NFKC)', 'ｐａｓｓｗｏｒｄｐａｓｓｗｏｒｄ'],
  ])('%s: %s', (_name, input) => {
    expect(checkPassword(input, DEFAULT_PASSWORD_POLICY)).toEqual({ ok: false, code: 'password_common' });
  });

  it.each<[string, string]>([
    ['a listed password', 'letmein1'],
    ['a listed password in capitals', 'QWERTY123'],
    ['a keyboard row with its symbols', 'zxcvbnm,./'],
    ['a listed word with one digit', 'monkey12'],
  ])('with an 8-character minimum, %s: %s', (_name, input) => {
    expect(checkPassword(input, LENIENT)).toEqual({ ok: false, code: 'password_common' });
  });
});

describe('checkPassword accepts passphrases and random passwords', () => {
  it.each<[string, string]>([
    ['the xkcd passphrase', 'correct horse battery staple'],
    ['words, a hyphen and digits', 'tangerine-orbit-velvet-42'],
    ['a sentence with listed words among others', 'my cat eats 3 lemons daily'],
    ['a random mix', 'k9#Xq2!mZ7vLp0wR'],
    ['random digits', '839201746283910'],
    ['Chinese', '小猫喜欢在阳光下睡一个很长的午觉'],
    ['a leetspeak phrase that is not listed', 'Tr0ub4dor&3-river-glass'],
    ['a long unlisted word with digits', 'quetzalcoatl-1987'],
    ['three different listed words', 'dragon monkey sunshine'],
  ])('%s: %s', (_name, input) => {
    expect(checkPassword(input, DEFAULT_PASSWORD_POLICY)).toEqual({ ok: true, password: input });
  });
});

describe('the bundled list', () => {
  it('holds over a thousand lower-case entries, including long ones for a 15-character minimum', () => {
    expect(COMMON_PASSWORDS.size).toBeGreaterThan(1000);
    for (const word of COMMON_PASSWORDS) expect(word).toBe(word.toLowerCase());
    for (const long of ['passwordpassword', 'iloveyouiloveyou', 'qwertyuiopasdfghjkl', '1234567890123456'])
      expect(COMMON_PASSWORDS.has(long)).toBe(true);
  });

  it('refuses every entry long enough to reach the check', () => {
    const refused = [...COMMON_PASSWORDS].filter(
      (word) => !checkPassword(word, { minLength: 1, maxLength: 128 }).ok,
    );
    expect(refused).toHaveLength(COMMON_PASSWORDS.size);
  });
});
