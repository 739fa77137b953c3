import { describe, expect, it } from 'vitest';
import { canonicalEmail } from '../../src/auth/auth-email.ts';

describe('canonicalEmail accepts ordinary addresses', () => {
  it.each<[string, string, string, string]>([
    ['a plain address', 'ann@example.com', 'ann@example.com', 'ann@example.com'],
    ['surrounding spaces, trimmed', '  ann@example.com ', 'ann@example.com', 'ann@example.com'],
    ['a +tag, kept in both forms', 'Ann+Promo@Example.COM', 'Ann+Promo@example.com', 'ann+promo@example.com'],
    [
      'mixed case: local part kept as typed',
      'Ann.Lee@Mail.Example.org',
      'Ann.Lee@mail.example.org',
      'ann.lee@mail.example.org',
    ],
    [
      'every atext symbol',
      "a!#$%&'*+/=?^_`{|}~-z@example.com",
      "a!#$%&'*+/=?^_`{|}~-z@example.com",
      "a!#$%&'*+/=?^_`{|}~-z@example.com",
    ],
    [
      'dots inside the local part',
      'first.middle.last@example.com',
      'first.middle.last@example.com',
      'first.middle.last@example.com',
    ],
    [
      'hyphens and digits inside labels',
      'x@mail-1.ex-ample.co',
      'x@mail-1.ex-ample.co',
      'x@mail-1.ex-ample.co',
    ],
    ['a numeric label before an alphabetic TLD', 'x@123.example', 'x@123.example', 'x@123.example'],
    [
      'a 64-character local part',
      `${'l'.repeat(64)}@example.com`,
      `${'l'.repeat(64)}@example.com`,
      `${'l'.repeat(64)}@example.com`,
    ],
    ['a 63-character label', `x@${'d'.repeat(63)}.com`, `x@${'d'.repeat(63)}.com`, `x@${'d'.repeat(63)}.com`],
  ])('%s', (_name, input, address, key) => {
    expect(canonicalEmail(input)).toEqual({ ok: true, address, key });
  });

  it('accepts an address of exactly 254 characters', () => {
    const domain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(57)}`; // 249
    const input = `abcd@${domain}`;
    expect(input).toHaveLength(254);
    expect(canonicalEmail(input).ok).toBe(true);
  });
});

describe('canonicalEmail rejects malformed and hostile addresses as email_invalid', () => {
  it.each<[string, string]>([
    ['empty', ''],
    ['only spaces', '   '],
    ['no @', 'ann.example.com'],
    ['two @', 'ann@b@example.com'],
    ['nothing before @', '@example.com'],
    ['nothing after @', 'ann@'],
    ['a domain without a dot', 'ann@localhost'],
    ['a leading dot in the local part', '.ann@example.com'],
    ['a trailing dot in the local part', 'ann.@example.com'],
    ['doubled dots in the local part', 'an..n@example.com'],
    ['a quoted local part', '"ann lee"@example.com'],
    ['a comma', 'ann,bob@example.com'],
    ['angle brackets', '<ann@example.com>'],
    ['parentheses (a comment)', 'ann(x)@example.com'],
    ['a semicolon', 'ann;@example.com'],
    ['a backslash', 'an\\n@example.com'],
    ['an internal space', 'ann lee@example.com'],
    ['a tab at the end', 'ann@example.com\t'],
    ['a newline at the end', 'ann@example.com\n'],
    ['CRLF header injection', 'a@b.co\r\nBcc: x@y.z'],
    ['a second recipient', 'a@b.co>,<c@d.ef'],
    ['a NUL byte', 'ann@example.com\u0000'],
    ['DEL', 'ann\u007f@example.com'],
    ['a Cyrillic а in the local part', 'p\u0430ypal@example.com'],
    ['a Cyrillic а in the domain', 'ann@p\u0430ypal.com'],
    ['a fullwidth @', 'ann\uff20example.com'],
    ['a zero-width space', 'ann\u200b@example.com'],
    ['a non-breaking space at the end', 'ann@example.com\u00a0'],
    ['an internationalised domain in Unicode', 'ann@bücher.de'],
    ['an IPv4 literal', 'ann@[192.168.0.1]'],
    ['a bare IPv4 address', 'ann@192.168.0.1'],
    ['an all-numeric TLD', 'ann@example.123'],
    ['an empty label', 'ann@example..com'],
    ['a trailing dot in the domain', 'ann@example.com.'],
    ['a leading dot in the domain', 'ann@.example.com'],
    ['a label starting with a hyphen', 'ann@-example.com'],
    ['a label ending with a hyphen', 'ann@example-.com'],
    ['an underscore in the domain', 'ann@ex_ample.com'],
    ['a 64-character label', `x@${'d'.repeat(64)}.com`],
  ])('%s', (_name, input) => {
    expect(canonicalEmail(input)).toEqual({ ok: false, code: 'email_invalid' });
  });
});

describe('canonicalEmail rejects oversized addresses as email_too_long', () => {
  it.each<[string, string]>([
    ['a 65-character local part', `${'l'.repeat(65)}@example.com`],
    [
      '255 characters in all',
      `abcde@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(57)}`,
    ],
  ])('%s', (_name, input) => {
    expect(canonicalEmail(input)).toEqual({ ok: false, code: 'email_too_long' });
  });
});
