import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedDataStream, smtpServerDecoder } from '../../src/smtp/smtp-data-stream.ts';
import { dataPayload, rfc822, SmtpConversation } from '../helpers/smtp-conversation.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * catchall's DATA decoder (src/smtp/smtp-data-stream.ts) must behave exactly like smtp-server's
 * own: the same message bytes, the same commands read after the terminator, the same byte count,
 * however TCP happens to split the input. The original is the oracle here.
 */

type Decoder = SMTPStream['_feedDataStream'];

interface Decoded {
  readonly content: string;
  readonly ended: boolean;
  readonly after: readonly string[];
  readonly dataBytes: number;
}

/** Feeds `chunks` to an SMTPStream in DATA mode decoding with `decoder`; then reads commands. */
async function decode(decoder: Decoder, chunks: readonly Buffer[]): Promise<Decoded> {
  const stream = new SMTPStream();
  stream._feedDataStream = decoder;
  const after: string[] = [];
  stream.oncommand = (line, next) => {
    after.push(line.toString('binary'));
    next?.();
  };
  const dataStream = stream.startDataMode();
  const parts: Buffer[] = [];
  let ended = false;
  dataStream.on('data', (part: Buffer) => parts.push(part));
  dataStream.on('end', () => {
    ended = true;
    stream.continue();
  });
  const finished = new Promise((resolve) => stream.on('finish', resolve));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await finished;
  return { content: Buffer.concat(parts).toString('binary'), ended, after, dataBytes: stream.dataBytes };
}

/** Both decoders on the same chunks: they must agree. */
async function expectSame(chunks: readonly Buffer[]): Promise<Decoded> {
  const [ours, theirs] = await Promise.all([
    decode(feedDataStream, chunks),
    decode(smtpServerDecoder, chunks),
  ]);
  const shown = chunks.map((c) => c.toString('binary'));
  expect(ours, JSON.stringify(shown)).toEqual(theirs);
  return ours;
}

/** Every way to cut `wire` into up to three chunks. */
function splits(wire: Buffer): Buffer[][] {
  const all: Buffer[][] = [[wire]];
  for (let a = 1; a < wire.length; a++) {
    all.push([wire.subarray(0, a), wire.subarray(a)]);
    for (let b = a + 1; b < wire.length; b++) {
      all.push([wire.subarray(0, a), wire.subarray(a, b), wire.subarray(b)]);
    }
  }
  all.push([...wire].map((byte) => Buffer.from([byte])));
  return all;
}

const AFTER = 'NOOP\r\nQUIT\r\n';

// Dot-stuffed DATA payloads as they come over the wire, each followed by two commands.
const WIRES = [
  'Hello\r\n.\r\n',
  '.\r\n',
  '..\r\n.\r\n',
  '..hidden\r\n.\r\n',
  'a\r\n..b\r\n...c\r\n.\r\n',
  '\r\n.\r\n',
  '\r\n\r\n.\r\n',
  '..\r\n..\r\n..\r\n.\r\n',
  'text\r\n.x\r\n.\r\n',
  'bare\n.\nline\n..\r\n.\r\n',
  'half\r\n.\rnot\r\n.\r\n',
  '....\r\n.\r\n',
  '.\r\n.\r\n',
];

describe('the DATA decoder', () => {
  it.each(WIRES)('agrees with smtp-server on every split of %j', async (wire) => {
    const input = Buffer.from(wire + AFTER, 'binary');
    for (const chunks of splits(input)) await expectSame(chunks);
  });

  it('unstuffs dots and ends at the terminator, with the commands after it read as commands', async () => {
    const decoded = await expectSame([Buffer.from('..one\r\ntwo\r\n...\r\n.\r\nNOOP\r\nQUIT\r\n')]);
    expect(decoded).toEqual({
      content: '.one\r\ntwo\r\n..\r\n',
      ended: true,
      after: ['NOOP', 'QUIT'],
      dataBytes: 15,
    });
  });

  it('agrees with smtp-server on random input cut at random places', async () => {
    // A seeded generator (mulberry32), so a failure can be replayed.
    let seed = 0x5eed;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const alphabet = ['.', '.', '\r', '\n', '\r\n', 'a', 'bc'];
    for (let round = 0; round < 600; round++) {
      let text = '';
      const parts = 1 + Math.floor(random() * 40);
      for (let i = 0; i < parts; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      // Most rounds end properly; some never send the terminator at all.
      if (random() < 0.8) text += '\r\n.\r\n' + AFTER;
      const input = Buffer.from(text, 'binary');
      const chunks: Buffer[] = [];
      for (let at = 0; at < input.length;) {
        const size = 1 + Math.floor(random() * 6);
        chunks.push(input.subarray(at, at + size));
        at += size;
      }
      await expectSame(chunks);
    }
  });

  it('passes a long message on in the chunks it came in, with nothing held back but the last 4 bytes', async () => {
    const line = 'x'.repeat(998) + '\r\n';
    const body = line.repeat(200) + '.\r\n';
    const input = Buffer.from(body + AFTER);
    const chunks = [input.subarray(0, 65536), input.subarray(65536, 131072), input.subarray(131072)];
    const decoded = await expectSame(chunks);
    expect(decoded.content).toBe(line.repeat(200));
    expect(decoded.after).toEqual(['NOOP', 'QUIT']);
  });
});

describe('the DATA decoder over SMTP', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp([]);
  });
  afterAll(() => app.stop());

  it('stores a dot-stuffed message sent a few bytes per write exactly as it was meant', async () => {
    const message = rfc822(
      { From: 'dots@example.test', To: 'ann@example.test', Subject: 'dots' },
      '.\n..\n.leading\nmiddle . dot\n.\n...\nend\n',
    );
    const smtp = await SmtpConversation.connect(app.smtpPort);
    expect((await smtp.read()).code).toBe(220);
    expect((await smtp.command('EHLO dots.test')).code).toBe(250);
    expect((await smtp.command('MAIL FROM:<dots@example.test>')).code).toBe(250);
    expect((await smtp.command('RCPT TO:<ann@example.test>')).code).toBe(250);
    expect((await smtp.command('DATA')).code).toBe(354);
    const wire = dataPayload(message);
    for (let at = 0; at < wire.length; at += 3) await smtp.flush(wire.slice(at, at + 3));
    const reply = await smtp.read();
    expect(reply.code).toBe(250);
    const id = /queued as (\S+)/.exec(reply.text)?.[1];
    const raw = await (await app.http(`api/v1/message/${id}/raw`)).text();
    expect(raw).toBe(message.endsWith('\r\n') ? message : `${message}\r\n`);
    expect((await smtp.command('QUIT')).code).toBe(221);
  });
});
