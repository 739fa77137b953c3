import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MessageWaiter } from '../../src/mail/message-waiter.ts';
import { eventually, startTestApp, type MessagesList, type TestApp } from '../helpers/test-app.ts';

/**
 * `GET /api/v1/message/latest?query=…&wait=…` (catchall extension, DESIGN.md §3.3): held until a
 * matching message is stored or the time passes. The API has no count of held requests, so the
 * tests read the app's MessageWaiter (the same module instance runs in-process) to see when a
 * request is being held and when it has been let go.
 */

interface MessageJson {
  ID: string;
  Subject: string;
}

/** A request whose outcome can be inspected while it is still pending. */
interface Pending {
  readonly done: Promise<Response>;
  settled: boolean;
}

const latestSpy = vi.spyOn(MessageWaiter.prototype, 'latest');
afterAll(() => latestSpy.mockRestore());

/** The app's MessageWaiter: the one that answers a plain `latest` request on it. */
async function waiterOf(app: TestApp): Promise<MessageWaiter> {
  await app.http('api/v1/message/latest');
  const instance = latestSpy.mock.contexts.at(-1);
  if (!(instance instanceof MessageWaiter)) throw new Error('the app did not use MessageWaiter.latest');
  return instance;
}

describe('wait on latest', () => {
  let app: TestApp;
  let waiter: MessageWaiter;
  const transport = () =>
    nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort, ignoreTLS: true, pool: true });
  let smtp: ReturnType<typeof transport>;

  const send = async (to: string, subject: string): Promise<string> => {
    const info = await smtp.sendMail({ from: 'app@example.test', to, subject, text: `for ${to}` });
    return /queued as (\w+)/.exec(info.response)?.[1] ?? '';
  };
  const latestPath = (query: string, wait: string, route = '') =>
    `api/v1/message/latest${route}?query=${encodeURIComponent(query)}&wait=${wait}`;
  const start = (path: string, init?: RequestInit): Pending => {
    const pending: Pending = { done: app.http(path, init), settled: false };
    pending.done.then(
      () => (pending.settled = true),
      () => (pending.settled = true),
    );
    return pending;
  };
  /** Waits until the server holds `n` waiting requests. */
  const held = (n: number) => eventually(() => (waiter.size === n ? true : undefined), 10_000);

  beforeAll(async () => {
    app = await startTestApp();
    smtp = transport();
    waiter = await waiterOf(app);
  });
  afterAll(async () => {
    smtp.close();
    await app.stop();
  });

  it('holds the request until a matching message arrives, then returns that message', async () => {
    const pending = start(latestPath('to:later@example.test', '20s'));
    await held(1);
    expect(pending.settled).toBe(false);
    const id = await send('later@example.test', 'arrived later');
    const res = await pending.done;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ID: id, Subject: 'arrived later' });
    expect(waiter.size).toBe(0);
  });

  it('answers at once when a matching message is already there', async () => {
    const id = await send('already@example.test', 'already here');
    const before = performance.now();
    // The longest wait allowed: an answer inside the test's time limit proves it did not wait.
    const res = await app.http(latestPath('to:already@example.test', '5m'));
    expect(res.status).toBe(200);
    expect(((await res.json()) as MessageJson).ID).toBe(id);
    expect(performance.now() - before).toBeLessThan(20_000);
  });

  it('returns the newest match when several are there', async () => {
    await send('several@example.test', 'first of several');
    const newest = await send('several@example.test', 'second of several');
    const res = await app.http(latestPath('to:several@example.test', '10s'));
    expect(((await res.json()) as MessageJson).ID).toBe(newest);
  });

  it('answers 404 once the wait has passed, not before', async () => {
    const before = performance.now();
    const res = await app.http(latestPath('to:never@example.test', '600ms'));
    const elapsed = performance.now() - before;
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ Code: 'not_found' });
    // Timers may fire a millisecond or two early on a loaded machine.
    expect(elapsed).toBeGreaterThanOrEqual(600 - 25);
    expect(waiter.size).toBe(0);
  });

  it('answers 404 at once with wait=0', async () => {
    const res = await app.http(latestPath('to:never@example.test', '0'));
    expect(res.status).toBe(404);
  });

  it('is not released by a message that does not match', async () => {
    const pending = start(latestPath('to:wanted@example.test', '20s'));
    await held(1);
    await send('unwanted@example.test', 'not for the waiter');
    await send('wanted+tag@other.example', 'still not for the waiter');
    const id = await send('wanted@example.test', 'for the waiter');
    const res = await pending.done;
    expect(res.status).toBe(200);
    // Had the first message released it, it would have answered with that one.
    expect(((await res.json()) as MessageJson).ID).toBe(id);
  });

  it('lets go of a request whose client went away', async () => {
    const controller = new AbortController();
    const pending = start(latestPath('to:gone@example.test', '60s'), { signal: controller.signal });
    await held(1);
    controller.abort();
    await expect(pending.done).rejects.toThrow();
    await held(0);

    // A matching message afterwards: a leaked waiter would have read (and so marked read) it.
    const next = start(latestPath('to:gone@example.test', '20s', '/headers'));
    await held(1);
    const id = await send('gone@example.test', 'after the client left');
    const res = await next.done;
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, string[]>)['Subject']).toEqual(['after the client left']);
    const list = await app.json<MessagesList>(
      `api/v1/search?query=${encodeURIComponent('to:gone@example.test')}`,
    );
    expect(list.messages.map((m) => [m.ID, m.Read])).toEqual([[id, false]]);
    expect(waiter.size).toBe(0);
  });

  it('waits on /headers and /raw of latest as well', async () => {
    const raw = start(latestPath('to:rawwait@example.test', '20s', '/raw'));
    await held(1);
    await send('rawwait@example.test', 'raw after waiting');
    const res = await raw.done;
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Subject: raw after waiting');
  });

  it('releases 200 waiters on the same query with one message', async () => {
    const pending = Array.from({ length: 200 }, () => start(latestPath('to:crowd@example.test', '30s')));
    await held(200);
    expect(pending.some((p) => p.settled)).toBe(false);
    const id = await send('crowd@example.test', 'for the crowd');
    const responses = await Promise.all(pending.map((p) => p.done));
    for (const res of responses) expect(res.status).toBe(200);
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as MessageJson).ID));
    expect(new Set(ids)).toEqual(new Set([id]));
    expect(waiter.size).toBe(0);
  });

  it('releases 200 waiters on different queries, each with its own message', async () => {
    const n = 200;
    const address = (i: number) => `user${i}@many.example`;
    const pending = Array.from({ length: n }, (_, i) => start(latestPath(`to:${address(i)}`, '30s')));
    await held(n);
    const sent = new Map<number, string>();
    // In reverse order, with half of them sent first: no waiter takes a message before its own.
    for (let i = n - 1; i >= n / 2; i--) sent.set(i, await send(address(i), `for user ${i}`));
    const early = await Promise.all(pending.slice(n / 2).map((p) => p.done));
    expect(pending.slice(0, n / 2).some((p) => p.settled)).toBe(false);
    expect(waiter.size).toBe(n / 2);
    for (let i = n / 2 - 1; i >= 0; i--) sent.set(i, await send(address(i), `for user ${i}`));
    const late = await Promise.all(pending.slice(0, n / 2).map((p) => p.done));
    const responses = [...late, ...early];
    const got = await Promise.all(responses.map(async (r) => ((await r.json()) as MessageJson).ID));
    expect(got).toEqual(Array.from({ length: n }, (_, i) => sent.get(i)));
    expect(waiter.size).toBe(0);
  }, 60_000);

  it('rejects a wait it cannot read, or longer than 5 minutes, with 400', async () => {
    for (const wait of ['forever', '-1s', '10h', '6m', '301s', '1.5.2s', 's', '10 s']) {
      const res = await app.http(latestPath('to:x@example.test', encodeURIComponent(wait)));
      expect(res.status, wait).toBe(400);
      expect(await res.json(), wait).toMatchObject({
        Code: 'invalid_parameter',
        Error: expect.stringContaining('wait'),
      });
    }
  });

  it('accepts wait in ms, s, m or bare seconds', async () => {
    await send('units@example.test', 'units');
    for (const wait of ['1500ms', '2s', '1m', '3', '0.5s']) {
      const res = await app.http(latestPath('to:units@example.test', wait));
      expect(res.status, wait).toBe(200);
    }
  });

  it('rejects wait or query on a message ID other than latest with 400', async () => {
    const id = await send('byid@example.test', 'by id');
    for (const path of [
      `api/v1/message/${id}?wait=1s`,
      `api/v1/message/${id}?query=to:byid@example.test`,
      `api/v1/message/${id}/headers?wait=1s`,
      `api/v1/message/${id}/raw?wait=1s`,
    ]) {
      const res = await app.http(path);
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toMatchObject({ Code: 'invalid_parameter' });
    }
    expect(waiter.size).toBe(0);
  });

  it('rejects a query it cannot parse before waiting', async () => {
    const res = await app.http(latestPath('before:whenever', '10s'));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ Code: 'invalid_search' });
    expect(waiter.size).toBe(0);
  });
});

describe('wait without a query', () => {
  let app: TestApp;
  let waiter: MessageWaiter;
  beforeAll(async () => {
    app = await startTestApp();
    waiter = await waiterOf(app);
  });
  afterAll(() => app.stop());

  it('waits in an empty mailbox for the first message of any kind', async () => {
    let settled = false;
    const pending = app.http('api/v1/message/latest?wait=20s').finally(() => (settled = true));
    await eventually(() => (waiter.size === 1 ? true : undefined));
    expect(settled).toBe(false);
    const res0 = await app.http('api/v1/send', {
      method: 'POST',
      body: JSON.stringify({
        From: { Email: 'a@example.test' },
        To: [{ Email: 'b@example.test' }],
        Subject: 'first',
      }),
    });
    const { ID } = (await res0.json()) as { ID: string };
    const res = await pending;
    expect(res.status).toBe(200);
    expect(((await res.json()) as MessageJson).ID).toBe(ID);
  });
});
