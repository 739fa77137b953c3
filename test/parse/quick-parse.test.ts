import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSummary, quickSummary } from '../../src/parse/parse-summary.ts';
import { simpleAddressList } from '../../src/parse/quick-parse.ts';
import { composeMail } from '../helpers/smtp-conversation.ts';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const fixtureFiles = (readdirSync(FIXTURES, { recursive: true }) as string[]).filter((f) =>
  f.endsWith('.eml'),
);

/** The bench's 2 KB message shape (bench/mail.ts), the one the ingest budget is measured with. */
const BENCH_HEAD =
  'Message-ID: <bench1.42@bench.catchall.test>\r\nSubject: catchall bench 2 KB #42\r\n' +
  'From: "Catchall Bench" <sender@bench.catchall.test>\r\nTo: <rcpt@bench.catchall.test>\r\n' +
  'Date: Mon, 23 Nov 2026 12:00:00 +0000\r\nMIME-Version: 1.0\r\n';
const PLAIN = 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n';
const BODY = 'Hi Ann,\r\n\r\nyour code is 482913. Confirm at https://app.example.test/verify?t=abc\r\n';

const message = (headers: string, body = BODY) => Buffer.from(`${headers}\r\n${body}`, 'utf8');

/** Simple messages that take the quick path, each varying one thing mailparser could treat differently. */
const QUICK: [string, Buffer][] = [
  ['the bench message', message(BENCH_HEAD + PLAIN)],
  ['no Content-Type at all', message('Subject: hi\r\nFrom: a@example.test\r\nTo: b@example.test\r\n')],
  [
    'US-ASCII, 8bit, upper case',
    message(
      `Subject: x\r\nContent-Type: TEXT/PLAIN; CHARSET="US-ASCII"\r\nContent-Transfer-Encoding: 8BIT\r\n`,
    ),
  ],
  ['Content-Type with a trailing semicolon', message('Subject: x\r\nContent-Type: text/plain;\r\n')],
  ['UTF-8 body text', message(BENCH_HEAD + PLAIN, 'Grüße, 你好 — code 123456 ✓\r\n')],
  [
    'a byte-order mark and invalid UTF-8',
    Buffer.concat([
      message(BENCH_HEAD + PLAIN, ''),
      Buffer.from([0xef, 0xbb, 0xbf, 0x41, 0xff, 0xc3, 0x0d, 0x0a]),
    ]),
  ],
  ['bare LF and lone CR in the body', message(BENCH_HEAD + PLAIN, 'line one\nline two\r\rthree\r\n')],
  ['no final line break', message(BENCH_HEAD + PLAIN, 'last line without CRLF')],
  ['an empty body', message(BENCH_HEAD + PLAIN, '')],
  ['a body of blank lines', message(BENCH_HEAD + PLAIN, '\r\n\r\n  \r\n')],
  [
    'folded Subject and To',
    message(
      'Subject: a long\r\n\tsubject line\r\nTo: Ann <ann@example.test>,\r\n  Bob <bob@example.test>\r\n',
    ),
  ],
  [
    'two To headers and a Cc',
    message('To: a@example.test\r\nTo: "B, Bee" <b@example.test>\r\nCc: c@example.test, d@example.test\r\n'),
  ],
  [
    'a group and comments in addresses',
    message('To: Team: ann@example.test, bob@example.test;\r\nFrom: ann@example.test (Ann A.)\r\n'),
  ],
  [
    'odd addresses',
    message(
      'To: <>, undisclosed-recipients:;, "quoted \\"name\\"" <q@example.test>, plain\r\nReply-To: x@xn--bcher-kva.example\r\n',
    ),
  ],
  [
    'Bcc, Reply-To, Return-Path, X-Tags',
    message(
      `${BENCH_HEAD}Bcc: hidden@example.test\r\nReply-To: Help <help@example.test>\r\nReturn-Path: <bounce@example.test>\r\nX-Tags: one, Two , three\r\n${PLAIN}`,
    ),
  ],
  [
    'a Message-ID without brackets and an empty Subject',
    message('Message-ID: abc@example.test\r\nSubject:\r\n'),
  ],
  [
    'an empty Subject and Message-ID before filled ones, and a half-bracketed Message-ID',
    message('Subject:\r\nSubject:  second \r\nMessage-ID:\r\nMessage-ID: <half@example.test\r\n'),
  ],
  ['a Message-ID closed but not opened', message('Message-ID: half@example.test>\r\nSubject: s\r\n')],
  ['dates in several forms', message('Date: 23 Nov 2026 12:00:00 GMT (comment)\r\nSubject: d\r\n')],
  ['an unparseable date', message('Date: yesterday-ish\r\nSubject: d\r\n')],
  [
    'a duplicated From and Subject',
    message('From: first@example.test\r\nFrom: second@example.test\r\nSubject: one\r\nSubject: two\r\n'),
  ],
  [
    'List headers',
    message(
      'List-Unsubscribe: <https://example.test/u>, <mailto:u@example.test>\r\nList-Id: News <news.example.test>\r\n',
    ),
  ],
  [
    'header names with odd case and a space before the value',
    message('sUbJeCt:    spaced   \r\nFROM:a@example.test\r\n'),
  ],
  [
    'a long body (over the 16 KiB search cut and the snippet window)',
    message(BENCH_HEAD + PLAIN, `${'word '.repeat(8000)}\r\n`),
  ],
];

const B = '----=_catchall_bench_boundary';
const PDF = 'JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0ZURlY29kZT4+'.repeat(40);
const mixedHead = (boundary = B, extra = '') =>
  `${BENCH_HEAD}Content-Type: multipart/mixed; boundary="${boundary}"\r\n${extra}`;
const textPart = (body = BODY, headers = PLAIN) => `--${B}\r\n${headers}\r\n${body}`;
const pdfPart = (name = 'report.pdf', headers?: string) =>
  `--${B}\r\n${headers ?? `Content-Type: application/pdf; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n`}\r\n${PDF}\r\n`;
const mixed = (parts: string[], close = `--${B}--\r\n`, head = mixedHead()) =>
  message(head, parts.join('') + close);

/** multipart/mixed mail with a text part and attachments, read without mailparser too. */
const QUICK_MIXED: [string, Buffer][] = [
  ['the bench 100 KB shape: text and a PDF', mixed([textPart(), pdfPart()])],
  ['text only', mixed([textPart()])],
  [
    'two attachments, one with a bare file name',
    mixed([
      textPart(),
      pdfPart('a.pdf'),
      pdfPart(
        'b',
        'Content-Type: image/png\r\nContent-Disposition: attachment; filename=b.png\r\nContent-Transfer-Encoding: base64\r\n',
      ),
    ]),
  ],
  ['a file name with spaces', mixed([textPart(), pdfPart('annual report 2026.pdf')])],
  [
    'an unquoted boundary and no final line break',
    mixed([textPart(), pdfPart()], `--${B}--`, mixedHead().replace(`"${B}"`, B)),
  ],
  ['UTF-8 text with a code', mixed([textPart('Grüße — your code is 482913\r\n'), pdfPart()])],
  [
    'a text part without headers of its own',
    mixed([`--${B}\r\nContent-Type: text/plain\r\n\r\nplain\r\n`, pdfPart()]),
  ],
];

/** Messages the quick path must leave to mailparser. */
const FALLBACK: [string, Buffer][] = [
  ['an encoded word', message('Subject: =?UTF-8?Q?Caf=C3=A9?=\r\n')],
  ['8-bit header bytes', message('Subject: Café\r\n')],
  ['quoted-printable', message('Subject: x\r\nContent-Transfer-Encoding: quoted-printable\r\n', 'a=3Db\r\n')],
  ['base64', message('Subject: x\r\nContent-Transfer-Encoding: base64\r\n', 'aGVsbG8=\r\n')],
  ['format=flowed', message('Content-Type: text/plain; format=flowed\r\n', 'flowed \r\ntext\r\n')],
  ['another charset', message('Content-Type: text/plain; charset=iso-8859-1\r\n', 'caf\xe9\r\n')],
  ['HTML', message('Content-Type: text/html\r\n', '<p>x</p>\r\n')],
  ['multipart', message('Content-Type: multipart/alternative; boundary=b\r\n', '--b\r\n\r\nx\r\n--b--\r\n')],
  ['a Content-Disposition', message('Content-Disposition: attachment; filename=a.txt\r\n')],
  ['bare LF line ends', Buffer.from('Subject: x\nTo: a@example.test\n\nbody\n')],
  ['an mbox From line', message('From someone Mon Nov 23 12:00:00 2026\r\nSubject: x\r\n')],
  ['a line that is not a header', message('Subject: x\r\nnot a header\r\n')],
  ['no header section', Buffer.from('just text, no headers at all\r\n')],
  [
    'multipart/alternative',
    message(mixedHead().replace('mixed', 'alternative'), `${textPart()}--${B}--\r\n`),
  ],
  ['a preamble', mixed([`This is a multi-part message.\r\n${textPart()}`, pdfPart()])],
  ['an epilogue', mixed([textPart(), pdfPart()], `--${B}--\r\nepilogue\r\n`)],
  ['an unclosed multipart', mixed([textPart(), pdfPart()], '')],
  ['HTML first', mixed([textPart('<p>x</p>\r\n', 'Content-Type: text/html\r\n'), pdfPart()])],
  [
    'quoted-printable text',
    mixed([
      textPart('a=3Db\r\n', 'Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n'),
      pdfPart(),
    ]),
  ],
  [
    'an inline image with a Content-ID',
    mixed([
      textPart(),
      pdfPart(
        'i.png',
        'Content-Type: image/png\r\nContent-ID: <i@x>\r\nContent-Disposition: inline; filename="i.png"\r\n',
      ),
    ]),
  ],
  [
    'a text attachment',
    mixed([
      textPart(),
      pdfPart('n.txt', 'Content-Type: text/plain\r\nContent-Disposition: attachment; filename="n.txt"\r\n'),
    ]),
  ],
  [
    'an RFC 2231 file name',
    mixed([
      textPart(),
      pdfPart(
        'x',
        "Content-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf\r\n",
      ),
    ]),
  ],
  [
    'an encoded file name',
    mixed([
      textPart(),
      pdfPart(
        'x',
        'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?="\r\n',
      ),
    ]),
  ],
  [
    'a nested multipart',
    mixed([
      textPart(),
      `--${B}\r\nContent-Type: multipart/alternative; boundary="in"\r\n\r\n--in\r\n\r\nx\r\n--in--\r\n`,
    ]),
  ],
  [
    'an attachment without a file name',
    mixed([textPart(), pdfPart('x', 'Content-Type: application/pdf\r\nContent-Disposition: attachment\r\n')]),
  ],
  ['an empty text part (its delimiter follows the blank line)', mixed([textPart(''), pdfPart()])],
  ['padding after a boundary', mixed([textPart().replace(`--${B}\r\n`, `--${B}  \r\n`), pdfPart()])],
];

describe('quick summary parse', () => {
  it.each(QUICK)('takes the quick path and matches mailparser: %s', async (_name, raw) => {
    const quick = quickSummary(raw);
    expect(quick).not.toBeNull();
    expect(quick).toEqual(await parseSummary(raw));
  });

  it.each(QUICK_MIXED)(
    'takes the quick path for multipart/mixed and matches mailparser: %s',
    async (_name, raw) => {
      const quick = quickSummary(raw);
      expect(quick).not.toBeNull();
      expect(quick).toEqual(await parseSummary(raw));
    },
  );

  it.each(FALLBACK)('leaves %s to mailparser', (_name, raw) => {
    expect(quickSummary(raw)).toBeNull();
  });

  it('matches mailparser on every fixture it accepts', async () => {
    let quick = 0;
    for (const name of fixtureFiles) {
      const raw = readFileSync(new URL(name, FIXTURES));
      const result = quickSummary(raw);
      if (!result) continue;
      quick++;
      expect(result, name).toEqual(await parseSummary(raw));
    }
    // Plain-text fixtures exist (e.g. extract/en-verify-link-text-only.eml); some must qualify.
    expect(quick).toBeGreaterThan(0);
  });
});

/** Address lists the quick path reads itself, and ones it must leave to mailparser's addressparser. */
const SIMPLE_LISTS = [
  'ann@example.test',
  '<ann@example.test>',
  'Ann <ann@example.test>',
  'Ann Smith <ann.smith+tag@mail.example.test>',
  '"Catchall Bench" <sender@bench.catchall.test>',
  '"Smith, Ann" <ann@example.test>',
  '"O\'Neil-Ann J." <ann@example.test>',
  '"Ann"<ann@example.test>',
  'a@example.test, b@example.test',
  '"Smith,Ann" <a@example.test>',
  '"-.,\'" <a@example.test>',
  '"1 2 3" <123@example.test>',
  'a@example.test,b@example.test',
  'Ann <a@example.test> , "B, Bee" <b@example.test>, c@example.test',
  'a@example.test,',
  'UPPER_case%x@EXAMPLE.TEST',
];
const OTHER_LISTS = [
  '',
  'Team: ann@example.test, bob@example.test;',
  'ann@example.test (Ann A.)',
  '"quoted \\"name\\"" <q@example.test>',
  'x@xn--bcher-kva.example',
  '<>',
  'undisclosed-recipients:;',
  'plain',
  'Ann  Two Spaces <a@example.test>',
  'Ann<a@example.test>',
  '" Ann" <a@example.test>',
  'a@example.test b@example.test',
  'a@example.test,, b@example.test',
  '<a@example.test',
  'Ann <a@example.test> trailing',
];

describe('address lists read without mailparser', () => {
  it.each(SIMPLE_LISTS)('reads %s', (list) => {
    expect(simpleAddressList(list)).not.toBeNull();
  });
  it.each(OTHER_LISTS)('leaves %s to addressparser', (list) => {
    expect(simpleAddressList(list)).toBeNull();
  });
  it.each([...SIMPLE_LISTS, ...OTHER_LISTS])(
    'gives what mailparser gives for To/Cc/From: %s',
    async (list) => {
      for (const headers of [
        `From: ${list}\r\nTo: ${list}\r\nCc: ${list}\r\nReply-To: ${list}\r\nBcc: ${list}\r\n`,
        `To: x@example.test\r\nTo: ${list}\r\nFrom: ${list}\r\nFrom: y@example.test\r\n`,
        `To: Ann <ann@example.test>,\r\n  ${list}\r\nCc: ${list}\r\n\tz@example.test\r\n`,
      ]) {
        const raw = message(headers);
        const quick = quickSummary(raw);
        expect(quick, headers).not.toBeNull();
        expect(quick, headers).toEqual(await parseSummary(raw));
      }
    },
  );
});

describe('quick parse of what nodemailer sends', () => {
  it('reads a text mail with attachments as mailparser does', async () => {
    const raw = await composeMail({
      from: 'App <app@example.test>',
      to: 'ann@example.test',
      subject: 'Your invoice',
      text: 'Hello Ann,\nyour invoice is attached.\n',
      attachments: [
        { filename: 'invoice.pdf', content: Buffer.alloc(60_000, 7) },
        { filename: 'data.bin', content: Buffer.from('raw bytes') },
      ],
    });
    const quick = quickSummary(raw);
    expect(quick).not.toBeNull();
    expect(quick).toEqual(await parseSummary(raw));
    expect(quick?.summary.attachments).toBe(2);
  });
});
