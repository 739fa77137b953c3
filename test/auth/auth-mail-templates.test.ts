import { describe, expect, it } from 'vitest';
import {
  renderAuthMail,
  type AuthLocale,
  type AuthMail,
  type RenderedMail,
} from '../../src/auth/auth-mail-templates.ts';
import { extract } from '../../src/parse/extract.ts';

const LOCALES: readonly AuthLocale[] = ['en', 'zh'];
const LINK = 'http://127.0.0.1:8025/demo/reset-password#token=Qm9vdHN0cmFwLXRva2VuLWZvci10ZXN0cy0xMjM0NTY3';
const HOSTILE = `<script>alert(1)</script>&"'`;

const read = (mail: RenderedMail) =>
  extract({ subject: mail.subject, text: mail.text, html: mail.html, listUnsubscribe: [] });
const actionLinks = (mail: RenderedMail) =>
  read(mail).links.filter((link) => link.kind === 'verify' || link.kind === 'reset' || link.kind === 'login');

/** Every code mail, with names that stress the greeting and codes that stress the extractor. */
const CODE_MAILS: readonly AuthMail[] = [
  { kind: 'register_code', name: 'Ann Lee', code: '482913', minutes: 10 },
  { kind: 'register_code', name: null, code: '048213', minutes: 10 },
  { kind: 'login_code', name: '张伟', code: '700071', minutes: 10 },
  { kind: 'login_code', name: null, code: '000123', minutes: 5 },
  { kind: 'email_change_code', name: 'Zoë', code: '551020', minutes: 15 },
  { kind: 'email_change_code', name: null, code: '202512', minutes: 10 },
];

const NOTICES: readonly AuthMail[] = [
  { kind: 'register_existing' },
  { kind: 'register_unknown' },
  { kind: 'login_unknown' },
  { kind: 'reset_unknown' },
  { kind: 'password_changed', name: 'Ann Lee' },
  { kind: 'password_changed', name: null },
  { kind: 'email_change_unavailable' },
  { kind: 'email_change_requested', newAddress: 'ann.lee+2024@example.com' },
  { kind: 'email_changed', newAddress: 'ann.lee+2024@example.com' },
];

const each = <T>(items: readonly T[]) =>
  LOCALES.flatMap((locale) => items.map((item) => [locale, item] as const));
const label = (mail: AuthMail) => ('code' in mail ? `${mail.kind} ${mail.code}` : mail.kind);

describe('code mails carry the code where the inbox extractor finds it first', () => {
  it.each(each(CODE_MAILS).map(([locale, mail]) => [`${locale} ${label(mail)}`, locale, mail] as const))(
    '%s',
    (_name, locale, mail) => {
      if (!('code' in mail)) throw new Error('table holds code mails only');
      const rendered = renderAuthMail(locale, mail);
      expect(read(rendered).codes[0]?.value).toBe(mail.code);
      expect(actionLinks(rendered)).toEqual([]);
    },
  );

  it.each(each(CODE_MAILS).map(([locale, mail]) => [`${locale} ${label(mail)}`, locale, mail] as const))(
    'announces the code as a verification or sign-in code right above it (%s)',
    (_name, locale, mail) => {
      if (!('code' in mail)) throw new Error('table holds code mails only');
      const paragraphs = renderAuthMail(locale, mail).text.split('\n\n');
      const above = paragraphs[paragraphs.indexOf(mail.code) - 1] ?? '';
      expect(above).toMatch(locale === 'en' ? /(verification|sign-in) code/ : /验证码/);
    },
  );

  it.each(LOCALES)('shows the code once in each part and says how long it lasts (%s)', (locale) => {
    const rendered = renderAuthMail(locale, { kind: 'login_code', name: null, code: '482913', minutes: 7 });
    expect(rendered.text.split('482913')).toHaveLength(2);
    expect(rendered.html.split('482913')).toHaveLength(2);
    const lasts = locale === 'en' ? '7 minutes' : '7 分钟';
    expect(rendered.text).toContain(lasts);
    expect(rendered.html).toContain(lasts);
  });
});

describe('reset mails carry the link, labelled as a password reset', () => {
  it.each(LOCALES)('the extractor reads the link first as a reset link (%s)', (locale) => {
    const rendered = renderAuthMail(locale, { kind: 'reset_link', name: 'Ann', link: LINK, minutes: 60 });
    expect(read(rendered).links[0]).toMatchObject({ url: LINK, kind: 'reset' });
    expect(read(rendered).codes).toEqual([]);
  });

  it.each(LOCALES)('the link is an anchor in HTML and a line of its own in text (%s)', (locale) => {
    const rendered = renderAuthMail(locale, { kind: 'reset_link', name: null, link: LINK, minutes: 60 });
    expect(rendered.html).toContain(`<a href="${LINK}"`);
    expect(rendered.text.split('\n')).toContain(LINK);
  });

  it('escapes the link inside the href attribute, and the extractor decodes it back', () => {
    const link =
      'https://app.example/reset-password?lang=en&x="y"#token=Qm9vdHN0cmFwLXRva2VuLWZvci10ZXN0cy0xMjM0NTY3';
    const rendered = renderAuthMail('en', { kind: 'reset_link', name: null, link, minutes: 60 });
    expect(rendered.html).toContain(
      'href="https://app.example/reset-password?lang=en&amp;x=&quot;y&quot;#token=',
    );
    expect(read(rendered).links[0]).toMatchObject({ url: link, kind: 'reset' });
  });

  it.each<[AuthLocale, number, string]>([
    ['en', 60, '60 minutes'],
    ['en', 1440, '24 hours'],
    ['zh', 1440, '24 小时'],
  ])('states the lifetime, in hours when long (%s, %i minutes)', (locale, minutes, lasts) => {
    const rendered = renderAuthMail(locale, { kind: 'reset_link', name: null, link: LINK, minutes });
    expect(rendered.text).toContain(lasts);
    expect(read(rendered).codes).toEqual([]);
  });
});

describe('notices carry nothing that looks like a code or an action link', () => {
  it.each(each(NOTICES).map(([locale, mail]) => [`${locale} ${label(mail)}`, locale, mail] as const))(
    '%s',
    (_name, locale, mail) => {
      const rendered = renderAuthMail(locale, mail);
      expect(read(rendered).codes).toEqual([]);
      expect(actionLinks(rendered)).toEqual([]);
      expect(read(rendered).links).toEqual([]);
      // No 4–8 digit number, year or time of day outside the address the notice names.
      const visible = `${rendered.subject}\n${rendered.text}`.replace('ann.lee+2024@example.com', '');
      expect(visible).not.toMatch(/\d{4}|\d:\d\d/);
    },
  );

  it.each(LOCALES)('the no-account notices say that no account exists (%s)', (locale) => {
    const says = locale === 'en' ? 'no account exists for this address' : '此地址没有对应的账号';
    for (const kind of ['login_unknown', 'reset_unknown'] as const)
      expect(renderAuthMail(locale, { kind }).text).toContain(says);
  });

  it.each(LOCALES)('the existing-account notice points to sign-in and password reset (%s)', (locale) => {
    const { text } = renderAuthMail(locale, { kind: 'register_existing' });
    for (const words of locale === 'en'
      ? ['already have an account', 'sign in', 'reset your password']
      : ['已经有账号', '登录', '重置密码'])
      expect(text).toContain(words);
  });

  it.each(LOCALES)('address-change notices name the new address, escaped in HTML (%s)', (locale) => {
    const newAddress = "o'neil&co@example.com";
    for (const kind of ['email_change_requested', 'email_changed'] as const) {
      const rendered = renderAuthMail(locale, { kind, newAddress });
      expect(rendered.text).toContain(newAddress);
      expect(rendered.html).toContain('o&#39;neil&amp;co@example.com');
      expect(rendered.subject).not.toContain('example.com');
    }
  });
});

describe('subjects are fixed per kind and locale', () => {
  const ALL: readonly AuthMail[] = [
    ...CODE_MAILS,
    ...NOTICES,
    { kind: 'reset_link', name: 'Ann', link: LINK, minutes: 60 },
    { kind: 'reset_link', name: null, link: `${LINK}x`, minutes: 30 },
  ];

  it.each(LOCALES)(
    'the same kind gets the same subject whatever the name, code, link or address (%s)',
    (locale) => {
      const subjects = new Map<string, Set<string>>();
      for (const mail of ALL) {
        const set = subjects.get(mail.kind) ?? new Set();
        subjects.set(mail.kind, set.add(renderAuthMail(locale, mail).subject));
      }
      expect(subjects.size).toBe(12);
      for (const [kind, set] of subjects) expect([kind, set.size]).toEqual([kind, 1]);
      const distinct = new Set([...subjects.values()].flatMap((set) => [...set]));
      expect(distinct.size).toBe(12);
    },
  );

  it.each(LOCALES)('a name with CRLF and a header never reaches the subject (%s)', (locale) => {
    const name = 'Ann\r\nBcc: victim@example.com';
    for (const mail of [
      { kind: 'register_code', name, code: '482913', minutes: 10 },
      { kind: 'reset_link', name, link: LINK, minutes: 60 },
      { kind: 'password_changed', name },
    ] as const) {
      const rendered = renderAuthMail(locale, mail);
      expect(rendered.subject).not.toMatch(/[\r\n]|Ann|Bcc|482913|http/);
      expect(rendered.text).not.toContain('\r');
      expect(rendered.text).not.toMatch(/^Bcc:/m);
    }
  });
});

describe('names are greeted safely', () => {
  it.each(LOCALES)('a hostile name is HTML-escaped in HTML and shown as typed in text (%s)', (locale) => {
    const rendered = renderAuthMail(locale, {
      kind: 'login_code',
      name: HOSTILE,
      code: '482913',
      minutes: 10,
    });
    expect(rendered.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;');
    expect(rendered.html).not.toContain('<script');
    expect(rendered.text).toContain(HOSTILE);
    expect(read(rendered).codes[0]?.value).toBe('482913');
  });

  it.each<[AuthLocale, string | null, string]>([
    ['en', 'Ann Lee', 'Hello Ann Lee,'],
    ['en', null, 'Hello,'],
    ['en', ' \r\n ', 'Hello,'],
    ['zh', '张伟', '张伟，您好：'],
    ['zh', null, '您好：'],
  ])('%s greeting for %j', (locale, name, greeting) => {
    const { text, html } = renderAuthMail(locale, { kind: 'password_changed', name });
    expect(text.split('\n')[0]).toBe(greeting);
    expect(html).toContain(`>${greeting}</p>`);
  });
});

describe('the HTML part is small, self-contained and well-formed', () => {
  const rendered = LOCALES.flatMap((locale) =>
    [...CODE_MAILS, ...NOTICES, { kind: 'reset_link', name: 'Ann', link: LINK, minutes: 60 } as const].map(
      (mail) => renderAuthMail(locale, mail),
    ),
  );

  it('declares a doctype, UTF-8 and a language, and loads nothing from elsewhere', () => {
    for (const { html } of rendered) {
      expect(html.startsWith('<!DOCTYPE html>\n<html lang="')).toBe(true);
      expect(html).toContain('<meta charset="utf-8">');
      expect(html).not.toMatch(/<(script|img|link|style|iframe|object)\b|@import|url\(|src=/i);
      expect(html.length).toBeLessThan(4096);
    }
  });

  it('writes every tag as a name and double-quoted attributes', () => {
    const TAG = /^<\/?[a-z]+(?:\s+[a-z-]+(?:="[^"<>]*")?)*>$/;
    for (const { html } of rendered) {
      const tags = html.match(/<[^!][^>]*>/g) ?? [];
      expect(tags.length).toBeGreaterThan(10);
      for (const tag of tags) expect(tag).toMatch(TAG);
    }
  });

  it('closes every element it opens, in order', () => {
    const VOID = new Set(['meta']);
    for (const { html } of rendered) {
      const stack: string[] = [];
      for (const [, closing, name] of html.matchAll(/<(\/?)([a-z]+)\b[^>]*>/g)) {
        if (!name || VOID.has(name)) continue;
        if (closing) expect(stack.pop()).toBe(name);
        else stack.push(name);
      }
      expect(stack).toEqual([]);
    }
  });

  it('uses the product name given, escaped', () => {
    const { text, html } = renderAuthMail('en', { kind: 'login_unknown' }, 'Acme & Co');
    expect(text).toContain('sign in to Acme & Co');
    expect(html).toContain('sign in to Acme &amp; Co');
    expect(renderAuthMail('en', { kind: 'login_unknown' }).text).toContain('catchall');
  });
});
