import { describe, expect, it } from 'vitest';
import { checkName } from '../../src/auth/auth-name.ts';

describe('checkName accepts names in any script', () => {
  it.each<[string, string, string]>([
    ['a Latin name', 'Ann Lee', 'Ann Lee'],
    ['surrounding white space, trimmed', '  Ann Lee \t', 'Ann Lee'],
    ['Chinese', '张伟', '张伟'],
    ['Arabic (right-to-left without controls)', 'ليلى', 'ليلى'],
    ['an emoji with a zero-width joiner', 'Ann 👩‍💻', 'Ann 👩‍💻'],
    ['apostrophes and hyphens', "Zoë O'Brien-Smith", "Zoë O'Brien-Smith"],
    ['a decomposed é, stored composed (NFC)', 'Rene\u0301', 'Ren\u00e9'],
    ['one character', 'A', 'A'],
    ['100 code points', 'a'.repeat(100), 'a'.repeat(100)],
    ['100 astral code points (200 UTF-16 units)', '😀'.repeat(100), '😀'.repeat(100)],
    ['HTML-looking text (escaped where shown, not here)', '<b>Ann</b> & co', '<b>Ann</b> & co'],
  ])('%s', (_name, input, name) => {
    expect(checkName(input)).toEqual({ ok: true, name });
  });
});

describe('checkName rejects empty, oversized and text-reordering names', () => {
  it.each<[string, string]>([
    ['empty', ''],
    ['only spaces', '    '],
    ['only an ideographic space', '\u3000'],
    ['101 code points', 'a'.repeat(101)],
    ['101 astral code points', '😀'.repeat(101)],
    ['a NUL', 'Ann\u0000Lee'],
    ['an inner line feed', 'Ann\nBcc: x@y.z'],
    ['an inner CRLF', 'Ann\r\nLee'],
    ['an inner tab', 'Ann\tLee'],
    ['DEL', 'Ann\u007f'],
    ['a C1 control (NEL)', 'Ann\u0085Lee'],
    ['a C1 control (CSI)', 'Ann\u009b31m'],
    ['a left-to-right mark', 'Ann\u200eLee'],
    ['a right-to-left mark', 'Ann\u200fLee'],
    ['an Arabic letter mark', 'Ann\u061cLee'],
    ['a right-to-left override', 'Ann\u202egnp.exe'],
    ['a left-to-right embedding', '\u202aAnn'],
    ['a pop directional formatting', 'Ann\u202c'],
    ['a first-strong isolate', 'Ann\u2068Lee'],
    ['a pop directional isolate', 'Ann\u2069Lee'],
    ['an inner line separator', 'Ann\u2028Lee'],
    ['an inner paragraph separator', 'Ann\u2029Lee'],
    ['an unpaired surrogate', 'Ann\ud800'],
  ])('%s', (_name, input) => {
    expect(checkName(input)).toEqual({ ok: false, code: 'name_invalid' });
  });
});
