import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findMimeProblem } from '../../src/parse/mime-problems.ts';
import { parseMessageBody } from '../../src/parse/parse-message.ts';
import { createSummaryParser } from '../../src/parse/parse-pool.ts';
import { makeSnippet, parseSummary } from '../../src/parse/parse-summary.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

describe('summary of real-world messages', () => {
  it('reads an HTML-only, quoted-printable newsletter', async () => {
    const { summary, problem } = await parseSummary(fixture('html-only-newsletter.eml'));
    expect(problem).toBeNull();
    expect(summary).toMatchObject({
      subject: 'This week at Acme — 5 stories',
      from: { name: 'Acme News', address: 'news@acme.example' },
      to: [{ name: '', address: 'reader@example.test' }],
      messageId: 'news-2026-47@acme.example',
      date: Date.parse('2026-11-17T07:30:00Z'),
      attachments: 0,
    });
    // Text of the HTML: no title, style or comment, entities decoded, soft line break joined.
    expect(summary.snippet).toBe(
      'Hello reader, Here are this week’s five stories. Read more at acme.example .',
    );
  });

  it('decodes encoded words in several charsets, groups and quoted names', async () => {
    const { summary } = await parseSummary(fixture('encoded-headers.eml'));
    expect(summary.subject).toBe('Привет, мир! Café');
    expect(summary.from).toEqual({ name: 'René Dupont', address: 'rene@example.fr' });
    expect(summary.to).toEqual([]);
    expect(summary.cc).toEqual([
      { name: 'Müller, Anna', address: 'anna@example.de' },
      { name: '', address: 'bob@example.test' },
    ]);
    expect(summary.replyTo).toEqual([{ name: 'Support', address: 'help@example.fr' }]);
    expect(summary.returnPath).toBe('bounces@example.fr');
    expect(summary.date).toBeNull();
    expect(summary.snippet).toBe('Bonjour, voici le café promis.');
  });

  it('counts attachments and inline parts separately', async () => {
    const { summary, problem } = await parseSummary(fixture('multipart-attachment-inline.eml'));
    expect(problem).toBeNull();
    expect(summary.attachments).toBe(1);
    expect(summary.inline).toBe(1);
    expect(summary.to.map((a) => a.address)).toEqual(['ann@example.test', 'bob@example.test']);
    expect(summary.snippet).toBe('Report attached.');
  });

  it('cuts snippets at 200 characters with "..." after collapsing white space', async () => {
    const { summary } = await parseSummary(fixture('long-text.eml'));
    expect(summary.snippet.startsWith('Zeile 01: äöü text with spaces Zeile 02:')).toBe(true);
    expect(summary.snippet.endsWith('...')).toBe(true);
    expect(Array.from(summary.snippet.slice(0, -3))).toHaveLength(200);
  });

  it('counts characters, not UTF-16 units, when cutting', () => {
    const emoji = '😀'.repeat(300);
    expect(Array.from(makeSnippet(emoji))).toHaveLength(203);
    expect(makeSnippet('short  text\n\n here')).toBe('short text here');
    // A long run of white space before the text still finds the text.
    expect(makeSnippet(`${' '.repeat(10_000)}tail`)).toBe('tail');
  });
});

describe('MIME problems', () => {
  it.each([
    ['multipart-unclosed.eml', /not closed with "--XYZ--"/],
    ['html-only-newsletter.eml', null],
    ['multipart-attachment-inline.eml', null],
  ])('%s → %s', (name, expected) => {
    const problem = findMimeProblem(fixture(name));
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it.each([
    ['Subject: x\r\nContent-Type: multipart/mixed\r\n\r\nbody', /no boundary parameter/],
    ['Subject: x\r\nContent-Type: multipart/mixed; boundary=abc\r\n\r\nbody', /never appears/],
    ['hello there\r\n\r\nbody', /no header section/],
    ['Subject: x\r\nthis is not a header\r\n\r\nbody', /malformed header line/],
    ['Subject: folded\r\n  continuation line\r\n\r\nbody', null],
    ['Subject: only headers, no body', null],
  ])('%j', (raw, expected) => {
    const problem = findMimeProblem(Buffer.from(raw));
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });
});

describe('message body for the message view', () => {
  it('lists parts with checksums, and the List-Unsubscribe links', async () => {
    const body = await parseMessageBody(fixture('multipart-attachment-inline.eml'));
    expect(body.text.trim()).toBe('Report attached. Chart below.');
    expect(body.html).toContain('<img src="cid:chart@example.test">');
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]).toMatchObject({ fileName: 'report.pdf', contentType: 'application/pdf' });
    expect(body.attachments[0]?.checksums.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(body.inline.map((p) => p.contentId)).toEqual(['chart@example.test']);
    const news = await parseMessageBody(fixture('html-only-newsletter.eml'));
    expect(news.listUnsubscribe.links).toEqual([
      'https://acme.example/unsub?u=42',
      'mailto:unsub@acme.example',
    ]);
    expect(news.listUnsubscribe.headerPost).toBe('List-Unsubscribe=One-Click');
  });
});

describe('parser worker threads', () => {
  it('give the same summary as parsing inline', async () => {
    const parser = createSummaryParser({ workers: 1, inlineBelowBytes: 0 });
    try {
      const raw = fixture('multipart-attachment-inline.eml');
      expect(await parser.parse(raw)).toEqual(await parseSummary(raw));
    } finally {
      await parser.close();
    }
  });

  it('store a message unparsed when parsing exceeds the time limit, and keep working', async () => {
    const parser = createSummaryParser({ workers: 1, inlineBelowBytes: 0, timeoutMs: 50 });
    try {
      // 30 MB of quoted-printable text takes about 250 ms to decode here, five times the limit.
      const huge = Buffer.from(
        `Subject: huge\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${'=41'.repeat(10_000_000)}`,
      );
      const small = fixture('html-only-newsletter.eml');
      const [slow, after] = await Promise.all([parser.parse(huge), parser.parse(small)]);
      expect(slow.problem).toMatch(/longer than 0.05s/);
      expect(slow.summary.subject).toBe('');
      // The job queued behind the slow one is replayed on the replacement worker.
      expect(after).toEqual(await parseSummary(small));
    } finally {
      await parser.close();
    }
  });
});
