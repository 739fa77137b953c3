import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChildCatchall, childFetch, type RunningChild } from '../helpers/child-catchall.ts';
import { composeMail, dataPayload, rfc822, SmtpConversation } from '../helpers/smtp-conversation.ts';
import { startTestApp, type MessagesList, type TestApp } from '../helpers/test-app.ts';

interface MessageJson {
  ID: string;
  Subject: string;
  SessionID: string;
  Attachments: { FileName: string; Size: number }[];
}

interface SessionJson {
  ID: string;
  Ended: string | null;
  MessageIDs: string[];
}

const queuedId = (text: string): string => /queued as (\w+)/.exec(text)?.[1] ?? '';

let dir: string;
let database: string;
const apps: TestApp[] = [];
const children: ChildCatchall[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-persist-'));
  database = path.join(dir, 'mail.db');
});

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
  await Promise.all(children.splice(0).map((c) => c.kill()));
  rmSync(dir, { recursive: true, force: true });
});

/** catchall in-process on `database`; stop it with stopApp (or it is stopped after the test). */
async function startOnDatabase(args: readonly string[] = []): Promise<TestApp> {
  const app = await startTestApp(['--database', database, ...args]);
  apps.push(app);
  return app;
}

async function stopApp(app: TestApp): Promise<void> {
  apps.splice(apps.indexOf(app), 1);
  await app.stop();
}

async function startChild(args: readonly string[] = []): Promise<RunningChild> {
  const child = await ChildCatchall.start(['--database', database, ...args]);
  children.push(child);
  return child;
}

function smtpTransport(port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
}

async function rawOf(http: (p: string) => Promise<Response>, id: string): Promise<Buffer> {
  const res = await http(`api/v1/message/${id}/raw`);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

async function listAll(app: TestApp): Promise<MessagesList> {
  return app.json<MessagesList>('api/v1/messages?limit=0');
}

describe('a file database', () => {
  it('keeps every message, byte for byte, across a restart', async () => {
    // Built with CRLF line ends, so what nodemailer sends is exactly these bytes.
    const composed = await composeMail({
      from: 'App <app@example.test>',
      to: 'ann@example.test',
      subject: 'Grüße — composed',
      text: 'Hello Ann,\n.a line that starts with a dot\nÄÖÜ\n',
      html: '<p>Hello <b>Ann</b></p>',
      attachments: [{ filename: 'bytes.bin', content: Buffer.from([0, 1, 2, 0xfe, 0xff, 13, 10, 46]) }],
    });
    const handWritten = Buffer.from(
      rfc822(
        {
          From: 'jörg@example.test',
          To: 'bob@example.test',
          Subject: 'hand written, 8-bit',
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Transfer-Encoding': '8bit',
        },
        `Ihr Code: 123456 — 你好\n.\n..two dots\n${'x'.repeat(990)}\n`,
      ),
      'utf8',
    );
    const raws = [composed, handWritten];

    const first = await startOnDatabase();
    const transport = smtpTransport(first.smtpPort);
    const ids: string[] = [];
    for (const raw of raws) {
      const info = await transport.sendMail({
        envelope: { from: 'app@example.test', to: ['ann@example.test', 'hidden@example.test'] },
        raw,
      });
      ids.push(queuedId(info.response));
    }
    for (let i = 0; i < 3; i++) {
      const info = await transport.sendMail({
        from: 'app@example.test',
        to: 'ann@example.test',
        subject: `plain ${i}`,
        text: `body ${i}`,
      });
      ids.push(queuedId(info.response));
    }
    transport.close();
    const before = await listAll(first);
    const rawsBefore = await Promise.all(ids.map((id) => rawOf(first.http, id)));
    await stopApp(first);

    const second = await startOnDatabase();
    const after = await listAll(second);
    expect(after.total).toBe(5);
    expect(after.messages.map((m) => m.ID)).toEqual([...ids].reverse());
    expect(after.messages.map((m) => m.Subject)).toEqual([
      'plain 2',
      'plain 1',
      'plain 0',
      'hand written, 8-bit',
      'Grüße — composed',
    ]);
    expect(after.messages).toEqual(before.messages);
    for (const [i, raw] of raws.entries()) {
      expect((await rawOf(second.http, ids[i] ?? '')).equals(raw)).toBe(true);
    }
    for (const [i, id] of ids.entries()) {
      expect((await rawOf(second.http, id)).equals(rawsBefore[i] ?? Buffer.alloc(0))).toBe(true);
    }

    const message = await second.json<MessageJson>(`api/v1/message/${ids[0]}`);
    expect(message.Attachments).toEqual([expect.objectContaining({ FileName: 'bytes.bin', Size: 8 })]);
    const session = await second.json<SessionJson>(`api/v1/session/${message.SessionID}`);
    // nodemailer without a pool opens one connection (one SMTP session) per message.
    expect(session.MessageIDs).toEqual([ids[0]]);
    expect(session.Ended).not.toBeNull();
  });

  it('keeps only the newest N messages with --max N, in order, across a restart', async () => {
    const max = 4;
    const app = await startOnDatabase(['--max', String(max)]);
    const transport = smtpTransport(app.smtpPort);
    const ids: string[] = [];
    for (let i = 0; i < max + 3; i++) {
      const info = await transport.sendMail({
        from: 'app@example.test',
        to: 'ann@example.test',
        subject: `numbered ${i}`,
        text: `body ${i}`,
      });
      ids.push(queuedId(info.response));
    }
    transport.close();

    const newest = ids.slice(-max).reverse();
    const expectNewest = async (target: TestApp) => {
      const list = await listAll(target);
      expect(list.total).toBe(max);
      expect(list.messages.map((m) => m.ID)).toEqual(newest);
      expect(list.messages.map((m) => m.Subject)).toEqual([
        'numbered 6',
        'numbered 5',
        'numbered 4',
        'numbered 3',
      ]);
      for (const pruned of ids.slice(0, 3)) {
        expect((await target.http(`api/v1/message/${pruned}`)).status).toBe(404);
        expect((await target.http(`api/v1/message/${pruned}/raw`)).status).toBe(404);
      }
    };
    await expectNewest(app);
    await stopApp(app);
    await expectNewest(await startOnDatabase(['--max', String(max)]));
  });

  it('prunes down to a smaller --max on the next message after a restart', async () => {
    const first = await startOnDatabase(['--max', '10']);
    const transport = smtpTransport(first.smtpPort);
    for (let i = 0; i < 5; i++) {
      await transport.sendMail({
        from: 'a@example.test',
        to: 'b@example.test',
        subject: `old ${i}`,
        text: '.',
      });
    }
    transport.close();
    await stopApp(first);

    const second = await startOnDatabase(['--max', '2']);
    const again = smtpTransport(second.smtpPort);
    await again.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'new', text: '.' });
    again.close();
    const list = await listAll(second);
    expect(list.messages.map((m) => m.Subject)).toEqual(['new', 'old 4']);
  });

  it('keeps an open session when --max prunes old sessions, so its next message is stored', async () => {
    const app = await startOnDatabase(['--max', '2']);
    const pooled = smtpTransport(app.smtpPort);
    // nodemailer's pool keeps one connection open across messages, as apps do.
    const keeper = nodemailer.createTransport({
      host: '127.0.0.1',
      port: app.smtpPort,
      ignoreTLS: true,
      pool: true,
      maxConnections: 1,
    });
    await keeper.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'pooled 1', text: '.' });
    for (let i = 0; i < 3; i++) {
      await pooled.sendMail({
        from: 'a@example.test',
        to: 'b@example.test',
        subject: `short ${i}`,
        text: '.',
      });
    }
    const info = await keeper.sendMail({
      from: 'a@example.test',
      to: 'b@example.test',
      subject: 'pooled 2',
      text: '.',
    });
    expect(info.response).toMatch(/^250 /);
    keeper.close();
    pooled.close();
    const list = await listAll(app);
    expect(list.messages.map((m) => m.Subject)).toEqual(['pooled 2', 'short 2']);
  });

  it('writes the generated certificate beside the database and presents the same one after a restart', async () => {
    const certFile = `${database}.cert.pem`;
    const keyFile = `${database}.key.pem`;
    expect(existsSync(certFile)).toBe(false);

    const first = await startOnDatabase();
    expect(existsSync(certFile)).toBe(true);
    expect(existsSync(keyFile)).toBe(true);
    const cert = readFileSync(certFile, 'utf8');
    const key = readFileSync(keyFile, 'utf8');
    expect(cert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(key).toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    expect(first.tlsCertificate).toBe(cert);
    // The private key is readable by its owner only.
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    await stopApp(first);

    const second = await startOnDatabase();
    expect(second.tlsCertificate).toBe(cert);
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
    // A client that pinned the first run's certificate still trusts STARTTLS after the restart.
    const pinned = nodemailer.createTransport({
      host: '127.0.0.1',
      port: second.smtpPort,
      secure: false,
      requireTLS: true,
      tls: { ca: cert, servername: 'localhost' },
    });
    await expect(pinned.verify()).resolves.toBe(true);
    pinned.close();
  });
});

/** A message of about `bytes` bytes: numbered lines that all differ, so a lost or repeated chunk shows. */
function bigMessage(subject: string, bytes: number): string {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const line = `${String(i).padStart(8, '0')} ${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(2)}.`;
    lines.push(line);
    size += line.length + 2;
  }
  return rfc822({ From: 'big@example.test', To: 'ann@example.test', Subject: subject }, lines.join('\n'));
}

async function greet(port: number): Promise<SmtpConversation> {
  const smtp = await SmtpConversation.connect(port);
  expect((await smtp.read()).code).toBe(220);
  expect((await smtp.command('EHLO client.test')).code).toBe(250);
  return smtp;
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown (SIGTERM to the CLI)', () => {
  it('finishes a message in DATA, answers 250, closes idle connections with 421, and keeps the message', async () => {
    const child = await startChild();
    const idle = await greet(child.smtpPort);
    const midTransaction = await greet(child.smtpPort);
    expect((await midTransaction.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    expect((await midTransaction.command('RCPT TO:<b@example.test>')).code).toBe(250);

    const message = bigMessage('five megabytes', 5 * 1024 * 1024);
    const payload = Buffer.from(dataPayload(message), 'utf8');
    const sender = await greet(child.smtpPort);
    expect((await sender.command('MAIL FROM:<big@example.test>')).code).toBe(250);
    expect((await sender.command('RCPT TO:<ann@example.test>')).code).toBe(250);
    expect((await sender.command('DATA')).code).toBe(354);
    // Half the message is on its way; the end (".") is held back until shutdown has begun.
    const half = Math.floor(payload.length / 2);
    sender.write(payload.subarray(0, half));

    child.process.kill('SIGTERM');
    await child.waitForOutput(/SIGTERM: finishing open SMTP transactions/, 'stderr');
    const idleReply = await idle.read();
    expect(idleReply.code).toBe(421);
    expect(idleReply.text).toContain('shutting down');
    await idle.closed;
    expect((await midTransaction.read()).code).toBe(421);
    await midTransaction.closed;
    expect(await connectionRefused(child.smtpPort)).toBe(true);
    // The API keeps answering while SMTP drains.
    expect((await childFetch(child, 'api/v1/messages')).status).toBe(200);

    // Only now the rest of the message and its end: the transaction spans the shutdown.
    sender.write(payload.subarray(half));
    const done = await sender.read(10_000);
    expect(done.code).toBe(250);
    const id = queuedId(done.text);
    expect(id).toMatch(/^[A-Za-z0-9]{22}$/);
    expect((await sender.read()).code).toBe(421);
    await sender.closed;
    expect(await child.waitForExit()).toEqual({ code: 0, signal: null });

    const restarted = await startOnDatabase();
    const stored = await restarted.json<MessageJson>(`api/v1/message/${id}`);
    expect(stored.Subject).toBe('five megabytes');
    const raw = await rawOf(restarted.http, id);
    expect(raw.length).toBe(Buffer.byteLength(message) + 2);
    expect(raw.equals(Buffer.from(`${message}\r\n`, 'utf8'))).toBe(true);
    expect((await listAll(restarted)).total).toBe(1);
    const session = await restarted.json<SessionJson>(`api/v1/session/${stored.SessionID}`);
    expect(session.MessageIDs).toEqual([id]);
    expect(session.Ended).not.toBeNull();
  });
});

interface Queued {
  id: string;
  subject: string;
}

/**
 * Sends `count` messages on one connection, pipelining `batch` transactions at a time, and
 * reports every "250 … queued as ID" the moment it arrives. Resolves when the connection ends;
 * protocol surprises are collected in `problems` rather than thrown, since the server may die
 * at any point.
 */
function pipelineMessages(
  port: number,
  name: string,
  count: number,
  batch: number,
  onQueued: (queued: Queued) => void,
  problems: string[],
): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const expected: ('greeting' | 'ehlo' | 'mail' | 'rcpt' | 'data' | number | 'quit')[] = ['greeting'];
    let next = 0;
    let buffer = '';
    const subject = (i: number) => `crash ${name} #${i}`;
    const sendBatch = () => {
      let out = '';
      for (const end = Math.min(next + batch, count); next < end; next++) {
        out += `MAIL FROM:<${name}@example.test>\r\nRCPT TO:<ann@example.test>\r\nDATA\r\n`;
        out += dataPayload(
          rfc822(
            { From: `${name}@example.test`, To: 'ann@example.test', Subject: subject(next) },
            `message ${next} from ${name}\n${'filler line of text\n'.repeat(60)}`,
          ),
        );
        expected.push('mail', 'rcpt', 'data', next);
      }
      socket.write(out);
    };
    const onReply = (code: number, text: string) => {
      const kind = expected.shift();
      const want = kind === 'greeting' ? 220 : kind === 'data' ? 354 : kind === 'quit' ? 221 : 250;
      if (code !== want) {
        problems.push(`${name}: ${String(kind)} got ${code} ${text}`);
        return;
      }
      if (kind === 'greeting') {
        socket.write('EHLO crash.test\r\n');
        expected.push('ehlo');
      } else if (kind === 'ehlo') {
        sendBatch();
      } else if (typeof kind === 'number') {
        onQueued({ id: queuedId(text), subject: subject(kind) });
        if (kind === next - 1) {
          if (next < count) sendBatch();
          else {
            socket.write('QUIT\r\n');
            expected.push('quit');
          }
        }
      }
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let index: number;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        if (line[3] !== '-') onReply(Number(line.slice(0, 3)), line.slice(4));
      }
    });
    // A reset when the server is killed is the expected end, not a failure.
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

describe('crash (SIGKILL) while mail is arriving', () => {
  it('loses no message that got a 250, across parallel pipelined connections', async () => {
    const first = await startChild();
    const connections = 8;
    const perConnection = 150;
    const killAfter = 300;
    const queued: Queued[] = [];
    const problems: string[] = [];
    let killed = false;
    const onQueued = (q: Queued) => {
      queued.push(q);
      if (!killed && queued.length >= killAfter) {
        killed = true;
        first.process.kill('SIGKILL');
      }
    };
    await Promise.all(
      Array.from({ length: connections }, (_, c) =>
        pipelineMessages(first.smtpPort, `c${c}`, perConnection, 10, onQueued, problems),
      ),
    );
    expect(await first.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(problems).toEqual([]);
    expect(killed).toBe(true);
    // The kill really interrupted the flow of mail.
    expect(queued.length).toBeLessThan(connections * perConnection);
    expect(queued.every((q) => /^[A-Za-z0-9]{22}$/.test(q.id))).toBe(true);
    expect(new Set(queued.map((q) => q.id)).size).toBe(queued.length);

    const second = await startChild();
    const missing: string[] = [];
    const wrong: string[] = [];
    const check = async (q: Queued) => {
      const res = await childFetch(second, `api/v1/message/${q.id}`);
      if (res.status !== 200) return void missing.push(`${q.id} (${q.subject}): ${res.status}`);
      const message = (await res.json()) as MessageJson;
      if (message.Subject !== q.subject) wrong.push(`${q.id}: ${message.Subject} ≠ ${q.subject}`);
    };
    const work = [...queued];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let q = work.shift(); q; q = work.shift()) await check(q);
      }),
    );
    expect(missing).toEqual([]);
    expect(wrong).toEqual([]);
    const list = (await (await childFetch(second, 'api/v1/messages?limit=1')).json()) as MessagesList;
    expect(list.total).toBeGreaterThanOrEqual(queued.length);
    expect(list.total).toBeLessThanOrEqual(connections * perConnection);
    // Search rows are written behind the messages; whatever the kill left unwritten is repaired.
    const found = (await (
      await childFetch(second, 'api/v1/search?query=filler&limit=1')
    ).json()) as MessagesList;
    expect(found.messages_count).toBe(list.total);
  });

  it('repairs the search rows that were still queued when the process was killed', async () => {
    const first = await startChild();
    const count = 40;
    const queued: Queued[] = [];
    const problems: string[] = [];
    // Killed right after the last 250, long before the writer's 200 ms search flush: no request
    // came, so every search row is still queued in memory and only marked in search_pending.
    await pipelineMessages(
      first.smtpPort,
      'late',
      count,
      count,
      (q) => {
        queued.push(q);
        if (queued.length === count) first.process.kill('SIGKILL');
      },
      problems,
    );
    expect(await first.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(problems).toEqual([]);

    const second = await startChild();
    const found = (await (
      await childFetch(second, 'api/v1/search?query=filler&limit=100')
    ).json()) as MessagesList;
    expect(found.messages_count).toBe(count);
    expect(new Set(found.messages.map((m) => m.ID))).toEqual(new Set(queued.map((q) => q.id)));
    expect(second.stderr).toMatch(/wrote the search rows of \d+ stored message/);
    // Repaired once: a third start has nothing left to do.
    second.process.kill('SIGTERM');
    await second.waitForExit();
    const third = await startChild();
    const again = (await (
      await childFetch(third, 'api/v1/search?query=filler&limit=1')
    ).json()) as MessagesList;
    expect(again.messages_count).toBe(count);
    expect(third.stderr).not.toMatch(/wrote the search rows/);
  });
});
