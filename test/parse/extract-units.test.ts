import { describe, expect, it } from 'vitest';
import { cleanText, textDoc } from '../../src/parse/extract-doc.ts';
import { extract, type ExtractInput } from '../../src/parse/extract.ts';

/** Focused tables: one behaviour per row, on inputs small enough to read. */
const input = (over: Partial<ExtractInput>): ExtractInput => ({ subject: '', text: '', html: '', ...over });
const bestCode = (over: Partial<ExtractInput>) => extract(input(over)).codes[0] ?? null;

describe('code extraction finds the code a person would type', () => {
  it.each<[string, Partial<ExtractInput>, string, string]>([
    ['in a sentence', { text: 'Your verification code is 123456.' }, '123456', '123456'],
    ['split by a space', { text: 'Your code:\n\n123 456' }, '123456', '123 456'],
    ['alphanumeric, split by a dash', { text: 'Confirmation code: K7P-2QX' }, 'K7P2QX', 'K7P-2QX'],
    ['before its keyword, in the subject', { subject: '445566 is your Acme code' }, '445566', '445566'],
    ['in full-width digits', { text: '您的验证码是：１２３４５６，5分钟内有效。' }, '123456', '123456'],
    ['in Japanese', { text: '認証コード：918273' }, '918273', '918273'],
    ['in Korean, in brackets', { text: '인증번호 [556677]을 입력해 주세요.' }, '556677', '556677'],
    ['in German, split in two fours', { text: 'Ihr Sicherheitscode: 8080 8181' }, '80808181', '8080 8181'],
    ['in Russian, four digits', { text: 'Ваш код: 4321' }, '4321', '4321'],
    ['in Spanish', { text: 'Tu código de verificación es 246810' }, '246810', '246810'],
    [
      'in Turkish HTML, after a dotted capital I (lower-cases to two characters)',
      { html: '<p style="color:#333">İndirim yok. İyi günler!</p><p>Doğrulama kodunuz: <b>947215</b></p>' },
      '947215',
      '947215',
    ],
    [
      'one digit per table cell',
      { html: '<p>Enter this code:</p><table><tr><td>7</td><td>3</td><td>9</td><td>1</td></tr></table>' },
      '7391',
      '7 3 9 1',
    ],
    [
      'large and letter-spaced, with only "sign in" around it',
      { html: '<p>Use this to sign in:</p><p style="font-size:32px;letter-spacing:6px">482 913</p>' },
      '482913',
      '482 913',
    ],
    [
      'after a quoted-printable soft break was joined (the caller decodes)',
      { html: '<td>Your login code:</td><td style="font-size:30px"><b>50</b><b>2917</b></td>' },
      '502917',
      '502917',
    ],
  ])('%s', (_name, over, value, display) => {
    expect(bestCode(over)).toMatchObject({ value, display });
  });

  it('reports where it found the code and a short context', () => {
    const code = bestCode({
      html: '<p>Hello Ann,</p><p>Your one-time passcode is <strong>777123</strong>.</p>',
    });
    expect(code).toEqual({
      value: '777123',
      display: '777123',
      source: 'html',
      context: 'Your one-time passcode is 777123.',
    });
    const long = bestCode({
      text: `${'Some very long preamble about nothing in particular. '.repeat(4)}Code: 314159`,
    });
    expect(long?.context.length).toBeLessThanOrEqual(80);
    expect(long?.context).toContain('314159');
  });
});

describe('code extraction ignores numbers that are not codes', () => {
  it.each<[string, Partial<ExtractInput>]>([
    ['an order number', { subject: 'Order #123456 has shipped', text: 'Order #123456 has shipped.' }],
    ['prices', { text: 'Total: $1234.56\nSumme: 1234,56 €\nSubtotal 4999 USD' }],
    ['phone numbers', { text: 'Call us at +1 (555) 123-4567 or 1-800-555-0199.' }],
    ['a copyright year', { text: '© 2024 Acme Inc. All rights reserved.' }],
    ['dates and times', { text: 'Your appointment is on 12.05.2024 at 14:30, or 2024-05-12 10:30.' }],
    ['CSS colours and sizes', { text: 'color: #a1b2c3; width: 600px; font-size: 1200em' }],
    ['a coupon code', { text: 'Use code SAVE20 at checkout for 20% off everything.' }],
    ['a meeting passcode', { text: 'Join Zoom Meeting\nMeeting ID: 812 3456 7890\nPasscode: 482913' }],
    ['a tracking number', { text: 'Tracking number: 1Z999AA10123456784' }],
    ['IDs inside URLs', { text: 'Your code is waiting: https://x.example/c/123456?ref=987654' }],
    ['digits in an e-mail address', { text: 'Your code request came from support123456@example.com' }],
    ['a postal code in an address', { text: 'Acme, 548 Market St, San Francisco, CA 94104' }],
    [
      'a newsletter without any code word',
      { html: '<h1>Issue 214</h1><p>We mapped 1240 beaches in 2026.</p>' },
    ],
    [
      'a brand name in capitals above the code sentence',
      { html: '<h3>FIELDNOTE</h3><p>Welcome aboard.</p>' },
    ],
  ])('%s', (_name, over) => {
    expect(extract(input(over)).codes).toEqual([]);
  });
});

const firstAction = (over: Partial<ExtractInput>) =>
  extract(input(over)).links.find((l) => l.kind === 'verify' || l.kind === 'reset' || l.kind === 'login') ??
  null;

describe('link extraction', () => {
  const dest = 'https://app.example/reset-password?token=Qm9vLjR3bXBhc3N3b3JkLnJlc2V0';
  it.each<[string, string]>([
    [
      'Outlook Safe Links',
      `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent(dest)}&data=05%7C02&reserved=0`,
    ],
    ['Google redirect', `https://www.google.com/url?q=${encodeURIComponent(dest)}&sa=D`],
    ['Proofpoint URL Defense v3', `https://urldefense.com/v3/__${dest}__;!!ABC123!xyz$`],
    [
      'Amazon SES',
      `https://abc.r.us-east-1.awstrack.me/L0/${encodeURIComponent(dest)}/1/0100018e-000000/sig=372`,
    ],
    [
      'base64 in a parameter',
      `https://click.e.example.com/r/?d=${Buffer.from(dest).toString('base64url')}&s=1`,
    ],
    [
      'Mandrill (base64 JSON inside JSON)',
      `https://mandrillapp.com/track/click/305/app.example?p=${Buffer.from(
        JSON.stringify({ s: 'x', v: 1, p: JSON.stringify({ u: 305, v: 1, url: dest, id: 'a1' }) }),
      ).toString('base64')}`,
    ],
  ])('unwraps %s to the destination', (_name, href) => {
    const link = firstAction({
      subject: 'Reset your password',
      html: `<a href="${href.replace(/&/g, '&amp;')}">Reset password</a>`,
    });
    expect(link).toEqual({ url: dest, text: 'Reset password', kind: 'reset', source: 'html' });
  });

  it('keeps a tracker whose destination is not in the URL, and trusts the subject for its kind', () => {
    const href = 'https://u123.ct.sendgrid.net/ls/click?upn=u001.Fz6Wn1ZkQ8x-2BuO4p1QhK8zT3vWq7Lr-3D';
    expect(
      firstAction({ subject: 'Verify your email', html: `<a href="${href}">Verify my email</a>` }),
    ).toMatchObject({
      url: href,
      kind: 'verify',
    });
    expect(
      firstAction({ subject: 'Product news', html: `<a href="${href}">Log in to your dashboard</a>` }),
    ).toBeNull();
  });

  it('does not unwrap the return address of an auth link', () => {
    const href =
      'https://app.example/login/magic?token=abc123def456ghi789&redirect=https://other.example/home';
    expect(firstAction({ html: `<a href="${href}">Sign in</a>` })).toMatchObject({
      url: href,
      kind: 'login',
    });
  });

  it('decodes entities, skips mailto, tel, javascript and in-page links, and reads image alt text', () => {
    const { links } = extract(
      input({
        html: `<a href="mailto:a@example.com">Mail</a><a href="tel:+15551234">Call</a><a href="javascript:void(0)">JS</a>
<a href="#top">Top</a><a href="https://x.example/verify?token=abc123def456ghi789&amp;uid=1">Verify email</a>
<a href="https://twitter.com/x"><img src="t.png" alt="Twitter"></a>`,
      }),
    );
    expect(links).toEqual([
      {
        url: 'https://x.example/verify?token=abc123def456ghi789&uid=1',
        text: 'Verify email',
        kind: 'verify',
        source: 'html',
      },
      { url: 'https://twitter.com/x', text: 'Twitter', kind: 'other', source: 'html' },
    ]);
  });

  it('orders action links first, other links next and unsubscribe links last, the header included', () => {
    const { links } = extract(
      input({
        subject: 'Confirm your email',
        html: `<a href="https://x.example/unsubscribe?u=1">Unsubscribe</a><a href="https://x.example/help">Help</a>
<a href="https://x.example/confirm/7f1e9c2b4a6d8e0f1a3b5c7d">Confirm email</a>`,
        listUnsubscribe: ['<https://x.example/list-unsub?u=1>, <mailto:unsub@x.example>'],
      }),
    );
    expect(links.map((l) => [l.kind, l.source])).toEqual([
      ['verify', 'html'],
      ['other', 'html'],
      ['unsubscribe', 'html'],
      ['unsubscribe', 'header'],
    ]);
  });

  it.each<[string, Partial<ExtractInput>]>([
    ['a login link without a one-time token', { html: '<a href="https://news.example/login">Log in</a>' }],
    [
      'a confirmation that is not about an account',
      {
        html: '<a href="https://clinic.example/appointments/55/confirm?sig=Hk3Lm8Np2Qr5St9Uv1Wx4Yz7">Confirm appointment</a>',
      },
    ],
    [
      'a help article slug that reads like a token',
      {
        text: 'Read how to verify devices: https://docs.example/articles/configuring-two-factor-authentication',
      },
    ],
  ])('gives no action link for %s', (_name, over) => {
    expect(firstAction(over)).toBeNull();
  });

  it('classifies a URL in plain text by its line, or by the line above when it stands alone', () => {
    const url = 'https://forum.example/u/activate-account/7f1e9c2b4a6d8e0f1a3b5c7d9e1f2a4b';
    expect(firstAction({ text: `Click the following link to activate your account:\n${url}\n` })).toEqual({
      url,
      text: 'Click the following link to activate your account:',
      kind: 'verify',
      source: 'text',
    });
    expect(
      firstAction({ text: `Reset password: ${url.replace('activate-account', 'reset')}` }),
    ).toMatchObject({
      text: 'Reset password',
      kind: 'reset',
    });
  });
});

describe('text as lines (textDoc)', () => {
  /** The definition textDoc's one-pass cleaning must keep: each line cleaned and trimmed on its own. */
  const lineByLine = (text: string) =>
    text
      .split('\n')
      .map((line) => cleanText(line).trim())
      .filter(Boolean);
  const pieces = [
    'a',
    'Code',
    '１２３',
    ' ',
    '  ',
    '\t',
    '\r',
    '\n',
    '\n\n',
    '\u00a0',
    '\u2028',
    '\u3000',
    '\u200b',
    '\u00ad',
    '\ufeff',
    '\u034f',
    ' \u200b ',
  ];

  it('gives the lines that cleaning each line on its own gives, on every mix of awkward characters', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 3000; n++) {
      let text = '';
      for (let k = next() % 12; k > 0; k--) text += pieces[next() % pieces.length];
      expect(
        textDoc(text).lines.map((l) => l.text),
        JSON.stringify(text),
      ).toEqual(lineByLine(text));
    }
  });
});
