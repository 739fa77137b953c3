import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  startTestApp,
  type MessagesList,
  type MessageSummaryJson,
  type TestApp,
} from '../helpers/test-app.ts';

/**
 * The WebSocket at /api/events, read with the `ws` client the way Mailpit's clients read it:
 * JSON frames `{"Type": …, "Data": …}`. No timing is measured here; every wait is for a frame.
 */

interface Frame {
  Type: string;
  Data: unknown;
}

/** One socket and every frame it has received, in order. */
class EventClient {
  readonly frames: Frame[] = [];
  readonly #socket: WebSocket;
  #listeners: (() => void)[] = [];

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data: WebSocket.RawData) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      for (const listener of [...this.#listeners]) listener();
    });
  }

  /** Opens a socket; rejects with the HTTP status if the server refuses the upgrade. */
  static open(
    app: TestApp,
    urlPath = 'api/events',
    headers: Record<string, string> = {},
  ): Promise<EventClient> {
    const url = new URL(urlPath, app.httpUrl.replace(/^http/, 'ws'));
    const socket = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new EventClient(socket)));
      socket.once('unexpected-response', (request, response) => {
        request.destroy();
        reject(
          new RefusedUpgrade(response.statusCode ?? 0, String(response.headers['www-authenticate'] ?? '')),
        );
      });
      socket.once('error', reject);
    });
  }

  /** The first frame (already received or still to come) that `match` accepts. */
  waitFor(match: (frame: Frame) => boolean, what = 'a frame', timeoutMs = 5000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.find(match);
        if (!found) return;
        finish();
        resolve(found);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#listeners = this.#listeners.filter((l) => l !== check);
      };
      this.#listeners.push(check);
      check();
    });
  }

  count(match: (frame: Frame) => boolean): number {
    return this.frames.filter(match).length;
  }

  close(): void {
    this.#socket.close();
  }
}

class RefusedUpgrade extends Error {
  constructor(
    readonly status: number,
    readonly wwwAuthenticate: string,
  ) {
    super(`upgrade refused with ${status}`);
  }
}

const data = (frame: Frame) => frame.Data as Record<string, unknown>;
const isType = (type: string) => (f: Frame) => f.Type === type;
const about = (type: string, id: string) => (f: Frame) => f.Type === type && data(f)?.['ID'] === id;

describe('WebSocket /api/events', () => {
  let app: TestApp;
  const clients: EventClient[] = [];
  const open = async (urlPath?: string) => {
    const client = await EventClient.open(app, urlPath);
    clients.push(client);
    return client;
  };
  const smtpSend = async (
    to: string,
    subject: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort, ignoreTLS: true });
    try {
      const info = await t.sendMail({
        from: 'Shop <shop@example.test>',
        to,
        subject,
        text: `about ${subject}`,
        ...extra,
      });
      return /queued as (\w+)/.exec(info.response)?.[1] ?? '';
    } finally {
      t.close();
    }
  };
  const api = (method: string, urlPath: string, body?: unknown) =>
    app.http(urlPath, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => app.stop());

  it('adds the best code and action link to the "new" frame (catchall extension)', async () => {
    const client = await open();
    const plain = await smtpSend('ann@example.test', 'nothing to act on');
    const frame = await client.waitFor(about('new', plain), `new frame for ${plain}`);
    expect(frame.Data).toMatchObject({ Code: null, Link: null });
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort, ignoreTLS: true });
    const info = await t.sendMail({
      from: 'auth@example.test',
      to: 'ann@example.test',
      subject: 'Your login code',
      text: 'Your login code is 731904. It expires in 10 minutes.',
      html: '<p>Your login code is <strong>731904</strong>.</p><a href="https://app.example.test/login?token=k2Jq9XcV7pLm0aZt4Rw">Sign in</a>',
    });
    t.close();
    const id = /queued as (\w+)/.exec(info.response)?.[1] ?? '';
    const withCode = await client.waitFor(about('new', id), `new frame for ${id}`);
    expect(withCode.Data).toMatchObject({
      Code: { Value: '731904', Display: '731904' },
      Link: { URL: 'https://app.example.test/login?token=k2Jq9XcV7pLm0aZt4Rw', Kind: 'login' },
    });
  });

  it('sends every client one "new" frame with the Mailpit summary of a message received over SMTP', async () => {
    const watchers = [await open(), await open(), await open()];
    const id = await smtpSend('Ann <ann@example.test>', 'hello sockets', {
      cc: 'cc@example.test',
      replyTo: 'reply@example.test',
      messageId: '<sockets-1@example.test>',
    });
    const list = await app.json<MessagesList>('api/v1/messages');
    const summary = list.messages.find((m) => m.ID === id);
    expect(summary).toBeDefined();
    for (const client of watchers) {
      const frame = await client.waitFor(about('new', id), `new frame for ${id}`);
      expect(Object.keys(frame).sort()).toEqual(['Data', 'Type']);
      expect(frame.Data).toMatchObject({ ...summary, Read: false });
      expect(frame.Data).toMatchObject({
        ID: id,
        MessageID: 'sockets-1@example.test',
        Read: false,
        From: { Name: 'Shop', Address: 'shop@example.test' },
        To: [{ Name: 'Ann', Address: 'ann@example.test' }],
        Cc: [{ Name: '', Address: 'cc@example.test' }],
        Bcc: [],
        ReplyTo: [{ Name: '', Address: 'reply@example.test' }],
        Subject: 'hello sockets',
        Created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        Username: '',
        Tags: [],
        Size: expect.any(Number),
        Attachments: 0,
        Snippet: 'about hello sockets',
      });
    }
    // A second message's frame comes after any duplicate of the first would have.
    const second = await smtpSend('bob@example.test', 'second message');
    for (const client of watchers) {
      await client.waitFor(about('new', second), `new frame for ${second}`);
      expect(client.count(about('new', id))).toBe(1);
      expect(client.count(about('new', second))).toBe(1);
    }
  });

  it('sends a "stats" frame with Total, Unread and Version after a change', async () => {
    const client = await open();
    const before = await app.json<MessagesList>('api/v1/messages');
    const id = await smtpSend('stats@example.test', 'for stats');
    const stats = await client.waitFor(
      (f) => f.Type === 'stats' && data(f)['Total'] === before.total + 1,
      'stats frame with the new total',
    );
    expect(stats.Data).toEqual({
      Total: before.total + 1,
      Unread: before.unread + 1,
      Version: expect.any(String),
    });
    expect(data(stats)['Version']).not.toBe('');
    await api('PUT', 'api/v1/messages', { IDs: [id], Read: true });
    await client.waitFor(
      (f) =>
        f.Type === 'stats' && data(f)['Total'] === before.total + 1 && data(f)['Unread'] === before.unread,
      'stats frame with one fewer unread',
    );
  });

  it('sends "update" frames when messages are marked read or unread, by ID or by search', async () => {
    const id = await smtpSend('update@example.test', 'to update');
    const client = await open();
    await api('PUT', 'api/v1/messages', { IDs: [id], Read: true });
    expect((await client.waitFor(about('update', id), 'update frame')).Data).toEqual({ ID: id, Read: true });
    await api('PUT', 'api/v1/messages', { Search: 'to:update@example.test', Read: false });
    const unread = await client.waitFor(
      (f) => about('update', id)(f) && data(f)['Read'] === false,
      'update frame for unread',
    );
    expect(unread.Data).toEqual({ ID: id, Read: false });
  });

  it('sends an "update" frame when reading a message marks it read', async () => {
    const id = await smtpSend('reader@example.test', 'to read');
    const client = await open();
    expect((await app.http(`api/v1/message/${id}`)).status).toBe(200);
    const frame = await client.waitFor(about('update', id), 'update frame after reading', 1000);
    expect(frame.Data).toEqual({ ID: id, Read: true });
  });

  it('sends an "update" frame with the tags when a message’s tags are set', async () => {
    const id = await smtpSend('tags@example.test', 'to tag');
    const client = await open();
    await api('PUT', 'api/v1/tags', { IDs: [id], Tags: ['Alpha', 'beta'] });
    expect((await client.waitFor(about('update', id), 'update frame with tags')).Data).toEqual({
      ID: id,
      Tags: ['Alpha', 'beta'],
    });
    await api('PUT', 'api/v1/tags', { IDs: [id], Tags: [] });
    await client.waitFor(
      (f) => about('update', id)(f) && Array.isArray(data(f)['Tags']) && (data(f)['Tags'] as []).length === 0,
      'update frame with no tags',
    );
  });

  it('sends "prune" when a tag is renamed or deleted across messages', async () => {
    const id = await smtpSend('rename@example.test', 'to rename');
    await api('PUT', 'api/v1/tags', { IDs: [id], Tags: ['OldName'] });
    const client = await open();
    expect((await api('PUT', 'api/v1/tags/OldName', { Name: 'NewName' })).status).toBe(200);
    await client.waitFor(isType('prune'), 'prune frame after a rename');
    const afterRename = client.frames.length;
    expect((await api('DELETE', 'api/v1/tags/NewName')).status).toBe(200);
    await client.waitFor(
      (f) => f.Type === 'prune' && client.frames.indexOf(f) >= afterRename,
      'prune after delete',
    );
  });

  it('sends a "delete" frame per message deleted by ID or by search', async () => {
    const a = await smtpSend('del@example.test', 'delete me a');
    const b = await smtpSend('del@example.test', 'delete me b');
    const c = await smtpSend('del-search@example.test', 'delete me c');
    const client = await open();
    await api('DELETE', 'api/v1/messages', { IDs: [a, b] });
    for (const id of [a, b]) {
      expect((await client.waitFor(about('delete', id), `delete frame for ${id}`)).Data).toEqual({ ID: id });
    }
    await app.http(`api/v1/search?query=${encodeURIComponent('to:del-search@example.test')}`, {
      method: 'DELETE',
    });
    await client.waitFor(about('delete', c), 'delete frame for a search');
    expect(client.count(isType('truncate'))).toBe(0);
  });

  it('sends live SMTP transcript frames only to clients that ask with ?smtp=1', async () => {
    const plain = await open();
    const live = await open('api/events?smtp=1');
    const id = await smtpSend('live@example.test', 'watched live');
    const mailFrom = await live.waitFor(
      (f) => f.Type === 'smtp' && /^MAIL FROM:<shop@example\.test>/i.test(String(data(f)['Text'])),
      'smtp frame with MAIL FROM',
    );
    expect(mailFrom.Data).toEqual({
      SessionID: expect.any(String),
      At: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      Dir: 'C',
      Text: expect.any(String),
    });
    const sessionId = data(mailFrom)['SessionID'];
    const queued = await live.waitFor(
      (f) =>
        f.Type === 'smtp' &&
        data(f)['SessionID'] === sessionId &&
        /^250 .*queued as/.test(String(data(f)['Text'])),
      'smtp frame with the 250 reply to the message',
    );
    expect(data(queued)['Dir']).toBe('S');
    expect(String(data(queued)['Text'])).toContain(id);
    await live.waitFor(about('new', id), 'new frame on the live client');
    // A later event: the plain client has had every frame sent before it.
    await api('DELETE', 'api/v1/messages');
    await plain.waitFor(isType('truncate'), 'truncate frame on the plain client');
    await plain.waitFor(about('new', id), 'new frame on the plain client');
    expect(plain.count(isType('smtp'))).toBe(0);
  });

  it('sends "truncate" when every message is deleted', async () => {
    await smtpSend('truncate@example.test', 'before truncate');
    const client = await open();
    expect((await api('DELETE', 'api/v1/messages')).status).toBe(200);
    expect(await client.waitFor(isType('truncate'), 'truncate frame')).toEqual({
      Type: 'truncate',
      Data: null,
    });
    await client.waitFor((f) => f.Type === 'stats' && data(f)['Total'] === 0, 'stats frame with no messages');
    expect(client.count(isType('delete'))).toBe(0);
  });

  it('refuses a socket on any other path with 404', async () => {
    for (const urlPath of ['api/event', 'api/events/x', 'api/v1/events', 'ws']) {
      const refused = await EventClient.open(app, urlPath).catch((e: unknown) => e);
      expect(refused, urlPath).toBeInstanceOf(RefusedUpgrade);
      expect((refused as RefusedUpgrade).status, urlPath).toBe(404);
    }
  });
});

describe('WebSocket /api/events with --max 2', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(['--max', '2']);
  });
  afterAll(() => app.stop());

  it('sends "prune" when the oldest messages are removed to stay within --max', async () => {
    const client = await EventClient.open(app);
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort, ignoreTLS: true });
    for (let i = 1; i <= 3; i++) {
      await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: `max ${i}`, text: 'x' });
    }
    t.close();
    expect(await client.waitFor(isType('prune'), 'prune frame')).toEqual({ Type: 'prune', Data: null });
    const stats = await client.waitFor(
      (f) => f.Type === 'stats' && data(f)['Total'] === 2,
      'stats frame after pruning',
    );
    expect(stats.Data).toMatchObject({ Total: 2 });
    const list = await app.json<MessagesList>('api/v1/messages');
    expect(list.messages.map((m: MessageSummaryJson) => m.Subject)).toEqual(['max 3', 'max 2']);
    client.close();
  });
});

describe('WebSocket /api/events with --ui-auth-file', () => {
  let app: TestApp;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-ws-auth-'));
    const file = path.join(dir, 'users');
    writeFileSync(file, 'ann:s3cret\n');
    app = await startTestApp(['--ui-auth-file', file]);
  });
  afterAll(() => app.stop());

  const basic = (user: string, password: string) => ({
    Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  });

  it('refuses the socket without credentials, or with wrong ones, with 401', async () => {
    for (const headers of [{}, basic('ann', 'wrong'), basic('bob', 's3cret')]) {
      const refused = await EventClient.open(app, 'api/events', headers).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RefusedUpgrade);
      expect((refused as RefusedUpgrade).status).toBe(401);
      expect((refused as RefusedUpgrade).wwwAuthenticate).toMatch(/^Basic /);
    }
  });

  it('opens the socket with the right credentials and sends frames on it', async () => {
    const client = await EventClient.open(app, 'api/events', basic('ann', 's3cret'));
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort, ignoreTLS: true });
    const info = await t.sendMail({
      from: 'a@example.test',
      to: 'b@example.test',
      subject: 'authed',
      text: 'x',
    });
    t.close();
    const id = /queued as (\w+)/.exec(info.response)?.[1] ?? '';
    expect(data(await client.waitFor(about('new', id), 'new frame'))['Subject']).toBe('authed');
    client.close();
  });
});
