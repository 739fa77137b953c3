import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataPayload, rfc822, SmtpConversation } from '../helpers/smtp-conversation.ts';
import { eventually, startTestApp, type MessagesList, type TestApp } from '../helpers/test-app.ts';

/**
 * The edges real clients hit: request bodies as Go's encoding/json reads them (keys in any case,
 * no body at all), validation of the send API, sessions, views and routes that are not enabled.
 */

const JSON_TYPE = { 'Content-Type': 'application/json' };

/** Stores `n` messages through the send API and returns their IDs, oldest first. */
async function fill(app: TestApp, n: number, to = 'edge@example.test'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await app.http('api/v1/send', {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({
        From: { Email: 'a@example.test' },
        To: [{ Email: to }],
        Subject: `edge ${i}`,
        Text: 'x',
      }),
    });
    expect(res.status).toBe(200);
    ids.push(((await res.json()) as { ID: string }).ID);
  }
  return ids;
}

const listOf = (app: TestApp) => app.json<MessagesList>('api/v1/messages?limit=0');
const readState = async (app: TestApp, id: string) =>
  (await listOf(app)).messages.find((m) => m.ID === id)?.Read;

describe('request bodies', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  beforeEach(async () => {
    await app.http('api/v1/messages', { method: 'DELETE' });
  });
  afterAll(() => app.stop());

  it('reads ids, IDs and Ids (any case) in PUT /api/v1/messages', async () => {
    const [id = ''] = await fill(app, 1);
    for (const [body, read] of [
      [`{"ids":["${id}"],"read":true}`, true],
      [`{"IDS":["${id}"],"READ":false}`, false],
      [`{"Ids":["${id}"],"Read":true}`, true],
      [`{"iDs":["${id}"],"rEAD":false}`, false],
    ] as const) {
      const res = await app.http('api/v1/messages', { method: 'PUT', headers: JSON_TYPE, body });
      expect(res.status, body).toBe(200);
      expect(await res.text()).toBe('ok');
      expect(await readState(app, id), body).toBe(read);
    }
  });

  it('reads ids, IDs and Ids in DELETE /api/v1/messages, deleting only those', async () => {
    const [a = '', b = '', c = '', keep = ''] = await fill(app, 4);
    for (const body of [`{"ids":["${a}"]}`, `{"IDs":["${b}"]}`, `{"Ids":["${c}"]}`]) {
      const res = await app.http('api/v1/messages', { method: 'DELETE', headers: JSON_TYPE, body });
      expect(res.status, body).toBe(200);
    }
    expect((await listOf(app)).messages.map((m) => m.ID)).toEqual([keep]);
  });

  it('reads lower- and upper-case keys in the tags and send APIs', async () => {
    const [id = ''] = await fill(app, 1);
    await app.http('api/v1/tags', { method: 'PUT', body: `{"ids":["${id}"],"tags":["one","Two"]}` });
    expect((await listOf(app)).messages[0]?.Tags).toEqual(['one', 'Two']);
    await app.http('api/v1/tags', { method: 'PUT', body: `{"IDS":["${id}"],"TAGS":["three"]}` });
    expect((await listOf(app)).messages[0]?.Tags).toEqual(['three']);
    expect((await app.http('api/v1/tags/three', { method: 'PUT', body: '{"NAME":"four"}' })).status).toBe(
      200,
    );
    expect((await listOf(app)).messages[0]?.Tags).toEqual(['four']);

    const sent = await app.http('api/v1/send', {
      method: 'POST',
      body: JSON.stringify({
        from: { email: 'lower@example.test', name: 'Lower' },
        TO: [{ EMAIL: 'upper@example.test' }],
        Subject: 'mixed case keys',
        tExT: 'body text',
        headers: { 'X-Keep-Case': 'yes' },
      }),
    });
    expect(sent.status).toBe(200);
    const { ID } = (await sent.json()) as { ID: string };
    const message = await app.json<Record<string, unknown>>(`api/v1/message/${ID}`);
    expect(message).toMatchObject({
      From: { Name: 'Lower', Address: 'lower@example.test' },
      To: [{ Name: '', Address: 'upper@example.test' }],
      Subject: 'mixed case keys',
      Text: expect.stringContaining('body text'),
    });
    const headers = await app.json<Record<string, string[]>>(`api/v1/message/${ID}/headers`);
    expect(headers['X-Keep-Case']).toEqual(['yes']);
  });

  it.each([
    ['no body', undefined, {}],
    ['no body with a JSON content type', undefined, JSON_TYPE],
    ['an empty object', '{}', JSON_TYPE],
    ['an empty IDs list', '{"IDs":[]}', JSON_TYPE],
    ['an empty ids list', '{"ids":[]}', {}],
    ['whitespace', ' \n', JSON_TYPE],
  ])('DELETE /api/v1/messages with %s deletes every message', async (_what, body, headers) => {
    await fill(app, 3);
    const res = await app.http('api/v1/messages', {
      method: 'DELETE',
      headers,
      ...(body === undefined ? {} : { body }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect((await listOf(app)).total).toBe(0);
  });

  // Go clients marshal an unset slice as null (Mailpit's own structs do); Mailpit reads
  // `"IDs": null` as no IDs and deletes all. catchall's zod schema answers 400 instead.
  it('DELETE /api/v1/messages with {"IDs": null} deletes every message, as in Mailpit', async () => {
    await fill(app, 2);
    const res = await app.http('api/v1/messages', { method: 'DELETE', body: '{"IDs":null}' });
    expect(res.status).toBe(200);
    expect((await listOf(app)).total).toBe(0);
  });

  it('accepts GET and DELETE with a JSON content type and no body', async () => {
    const [id = ''] = await fill(app, 2, 'ct@example.test');
    for (const urlPath of [
      'api/v1/messages',
      'api/v1/search?query=to:ct@example.test',
      `api/v1/message/${id}`,
      `api/v1/message/${id}/headers`,
      'api/v1/tags',
      'api/v1/info',
    ]) {
      const res = await app.http(urlPath, { headers: JSON_TYPE });
      expect(res.status, urlPath).toBe(200);
    }
    await app.http('api/v1/tags', { method: 'PUT', body: JSON.stringify({ IDs: [id], Tags: ['gone'] }) });
    const untag = await app.http('api/v1/tags/gone', { method: 'DELETE', headers: JSON_TYPE });
    expect(untag.status).toBe(200);
    expect(await app.json('api/v1/tags')).toEqual([]);
    const search = await app.http('api/v1/search?query=to:ct@example.test', {
      method: 'DELETE',
      headers: JSON_TYPE,
    });
    expect(search.status).toBe(200);
    expect((await listOf(app)).total).toBe(0);
  });

  it('answers malformed JSON with 400 invalid_json and changes nothing', async () => {
    const [id = ''] = await fill(app, 1);
    for (const [method, urlPath] of [
      ['PUT', 'api/v1/messages'],
      ['DELETE', 'api/v1/messages'],
      ['PUT', 'api/v1/tags'],
      ['PUT', 'api/v1/tags/x'],
      ['POST', 'api/v1/send'],
    ]) {
      for (const body of ['{"IDs":', '{IDs: []}', "{'IDs': []}", 'IDs=1', '{"IDs":[]}}']) {
        const res = await app.http(urlPath ?? '', { method, headers: JSON_TYPE, body });
        expect(res.status, `${method} ${urlPath} ${body}`).toBe(400);
        expect(await res.json(), `${method} ${urlPath} ${body}`).toMatchObject({ Code: 'invalid_json' });
      }
    }
    expect((await listOf(app)).messages.map((m) => [m.ID, m.Read])).toEqual([[id, false]]);
  });

  it('answers a body that is not a JSON object with 400 and changes nothing', async () => {
    const [id = ''] = await fill(app, 1);
    for (const body of ['[]', `["${id}"]`, '"text"', '42', 'null', 'true']) {
      for (const method of ['PUT', 'DELETE']) {
        const res = await app.http('api/v1/messages', { method, headers: JSON_TYPE, body });
        expect(res.status, `${method} ${body}`).toBe(400);
        expect(await res.json(), `${method} ${body}`).toMatchObject({ Code: 'invalid_json' });
      }
    }
    expect((await listOf(app)).total).toBe(1);
  });

  it('answers fields of the wrong type with 400 invalid_request naming the field', async () => {
    await fill(app, 1);
    for (const [method, body, field] of [
      ['PUT', '{"IDs":"abc","Read":true}', 'ids'],
      ['PUT', '{"Read":"yes"}', 'read'],
      ['PUT', '{"Search":42}', 'search'],
      ['DELETE', '{"IDs":[1,2]}', 'ids'],
    ] as const) {
      const res = await app.http('api/v1/messages', { method, body });
      expect(res.status, body).toBe(400);
      expect(await res.json(), body).toMatchObject({
        Code: 'invalid_request',
        Error: expect.stringContaining(field),
      });
    }
    expect((await listOf(app)).total).toBe(1);
  });

  it('ignores unknown IDs in PUT and DELETE, as Mailpit does', async () => {
    const [id = ''] = await fill(app, 1);
    for (const method of ['PUT', 'DELETE']) {
      const res = await app.http('api/v1/messages', { method, body: '{"IDs":["no-such-id"],"Read":true}' });
      expect(res.status, method).toBe(200);
    }
    expect((await listOf(app)).messages.map((m) => [m.ID, m.Read])).toEqual([[id, false]]);
  });
});

describe('POST /api/v1/send validation', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.stop());

  const base = { From: { Email: 'sender@example.test' }, To: [{ Email: 'to@example.test' }], Subject: 'ok' };
  const send = (body: unknown) =>
    app.http('api/v1/send', { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(body) });

  it.each([
    ['no recipient at all', { From: base.From, Subject: 'x' }, /recipient/i],
    ['empty recipient lists', { ...base, To: [], Cc: [], Bcc: [] }, /recipient/i],
    ['no From', { To: base.To }, /from/i],
    ['a From without an address', { ...base, From: { Name: 'Nobody' } }, /from/i],
    ['a bad From address', { ...base, From: { Email: 'not an address' } }, /from/i],
    ['a bad To address', { ...base, To: [{ Email: 'nope' }] }, /to/i],
    ['a bad Cc address', { ...base, Cc: [{ Email: 'a@@b' }] }, /cc/i],
    ['a bad Bcc address', { ...base, Bcc: ['bcc at example'] }, /bcc/i],
    ['To given as a string', { ...base, To: 'to@example.test' }, /to/i],
    [
      'an attachment that is not base64',
      { ...base, Attachments: [{ Content: '%%% not base64 %%%', Filename: 'a.bin' }] },
      /base64/i,
    ],
    [
      'an attachment with a bad length',
      { ...base, Attachments: [{ Content: 'aGVsbG8', Filename: 'a.bin' }] },
      /base64/i,
    ],
    ['an attachment without a file name', { ...base, Attachments: [{ Content: 'aGVsbG8=' }] }, /filename/i],
    ['Subject in Headers', { ...base, Headers: { Subject: 'sneaky' } }, /Subject/],
    ['subject in Headers (lower case)', { ...base, Headers: { subject: 'sneaky' } }, /subject/],
    ['From in Headers', { ...base, Headers: { From: 'x@example.test' } }, /From/],
    ['Bcc in Headers', { ...base, Headers: { BCC: 'x@example.test' } }, /BCC/],
    ['Content-Type in Headers', { ...base, Headers: { 'Content-Type': 'text/html' } }, /Content-Type/],
    ['X-Tags in Headers', { ...base, Headers: { 'X-Tags': 'a' } }, /X-Tags/],
    ['a header value that is not a string', { ...base, Headers: { 'X-Count': 3 } }, /headers/i],
  ])('answers %s with 400 and stores nothing', async (_what, body, error) => {
    const before = (await listOf(app)).total;
    const res = await send(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { Code: string; Error: string };
    expect(json.Code).toBe('invalid_request');
    expect(json.Error).toMatch(error);
    expect((await listOf(app)).total).toBe(before);
  });

  it('stores a valid message with extra headers, tags and attachments (base64 or data: URL)', async () => {
    const res = await send({
      ...base,
      Cc: [{ Email: 'cc@example.test', Name: 'Cee' }],
      Bcc: ['hidden@example.test'],
      ReplyTo: [{ Email: 'reply@example.test' }],
      Text: 'plain',
      HTML: '<p>html</p>',
      Tags: ['Sent'],
      Headers: { 'X-Custom': 'custom value' },
      Attachments: [
        { Content: Buffer.from('first').toString('base64'), Filename: 'one.txt' },
        {
          Content: `data:text/plain;base64,${Buffer.from('second').toString('base64')}`,
          Filename: 'two.txt',
        },
      ],
    });
    expect(res.status).toBe(200);
    const { ID } = (await res.json()) as { ID: string };
    const message = await app.json<{
      Cc: unknown[];
      Bcc: unknown[];
      ReplyTo: unknown[];
      Tags: string[];
      SessionID: string;
      Attachments: { PartID: string; FileName: string }[];
    }>(`api/v1/message/${ID}`);
    expect(message).toMatchObject({
      Cc: [{ Name: 'Cee', Address: 'cc@example.test' }],
      Bcc: [{ Name: '', Address: 'hidden@example.test' }],
      ReplyTo: [{ Name: '', Address: 'reply@example.test' }],
      Tags: ['Sent'],
      SessionID: '',
    });
    expect(message.Attachments.map((a) => a.FileName)).toEqual(['one.txt', 'two.txt']);
    const second = message.Attachments[1]?.PartID ?? '';
    expect(await (await app.http(`api/v1/message/${ID}/part/${second}`)).text()).toBe('second');
    const headers = await app.json<Record<string, string[]>>(`api/v1/message/${ID}/headers`);
    expect(headers['X-Custom']).toEqual(['custom value']);
  });
});

describe('SMTP sessions API', () => {
  let app: TestApp;
  let first: { ids: string[] };
  let second: { ids: string[] };

  interface SessionJson {
    ID: string;
    Started: string;
    Helo: string;
    MessageIDs: string[];
  }
  const sessions = (query = '') =>
    app.json<{ total: number; start: number; count: number; sessions: SessionJson[] }>(
      `api/v1/sessions${query}`,
    );

  beforeAll(async () => {
    app = await startTestApp();
    // First session: two messages on one connection.
    const smtp = await SmtpConversation.connect(app.smtpPort);
    await smtp.read();
    await smtp.command('EHLO first-session.test');
    const ids: string[] = [];
    for (const subject of ['one of two', 'two of two']) {
      await smtp.command('MAIL FROM:<a@example.test>');
      await smtp.command('RCPT TO:<b@example.test>');
      await smtp.command('DATA');
      smtp.write(dataPayload(rfc822({ Subject: subject, From: 'a@example.test' }, 'x')));
      ids.push(/queued as (\w+)/.exec((await smtp.read()).text)?.[1] ?? '');
    }
    await smtp.command('QUIT');
    await smtp.closed;
    first = { ids };
    await eventually(async () => ((await sessions()).total === 1 ? true : undefined));
    // Second session: nodemailer, one message.
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: app.smtpPort,
      ignoreTLS: true,
      name: 'second-session.test',
    });
    const info = await t.sendMail({
      from: 'a@example.test',
      to: 'b@example.test',
      subject: 'alone',
      text: 'x',
    });
    t.close();
    second = { ids: [/queued as (\w+)/.exec(info.response)?.[1] ?? ''] };
    // A message through the send API belongs to no session.
    await fill(app, 1);
    await eventually(async () => ((await sessions()).total === 2 ? true : undefined));
  });
  afterAll(() => app.stop());

  it('lists sessions newest first with their message IDs and the total', async () => {
    const list = await sessions();
    expect(list).toMatchObject({ total: 2, start: 0, count: 2 });
    expect(list.sessions.map((s) => s.MessageIDs)).toEqual([second.ids, first.ids]);
    expect(list.sessions.map((s) => s.Helo)).toEqual(['second-session.test', 'first-session.test']);
    const [newer, older] = list.sessions;
    expect(Date.parse(newer?.Started ?? '')).toBeGreaterThanOrEqual(Date.parse(older?.Started ?? ''));
    expect(list.sessions[0]).toMatchObject({ Listener: 'smtp', ClientAddress: '127.0.0.1', TLS: null });
  });

  it('pages the list with start and limit', async () => {
    const page = await sessions('?start=1&limit=1');
    expect(page).toMatchObject({ total: 2, start: 1, count: 1 });
    expect(page.sessions[0]?.MessageIDs).toEqual(first.ids);
  });

  it('links each message to its session and back', async () => {
    const [older] = (await sessions('?start=1')).sessions;
    for (const id of first.ids) {
      expect((await app.json<{ SessionID: string }>(`api/v1/message/${id}`)).SessionID).toBe(older?.ID);
    }
    const session = await app.json<{ Transcript: { Dir: string; Text: string }[] }>(
      `api/v1/session/${older?.ID}`,
    );
    const texts = session.Transcript.map((l) => `${l.Dir} ${l.Text}`);
    expect(texts).toContain('C EHLO first-session.test');
    expect(texts.filter((t) => /^S 250 .*queued as/.test(t))).toHaveLength(2);
    expect(texts).toContain('C QUIT');
  });

  it('records the HELO name of a session that delivered no message', async () => {
    const smtp = await SmtpConversation.connect(app.smtpPort);
    await smtp.read();
    await smtp.command('EHLO no-mail.test');
    await smtp.command('QUIT');
    await smtp.closed;
    const list = await eventually(async () => {
      const l = await sessions();
      return l.total === 3 ? l : undefined;
    });
    expect(list.sessions[0]?.Helo).toBe('no-mail.test');
  });
});

describe('views, parts and routes that are not enabled', () => {
  let app: TestApp;
  let htmlId: string;
  let textId: string;
  beforeAll(async () => {
    app = await startTestApp();
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort, ignoreTLS: true });
    const html = await t.sendMail({
      from: 'a@example.test',
      to: 'b@example.test',
      subject: 'with html',
      text: 'the text part',
      html: '<p>the html part</p><script>document.title = "ran"</script><img src="https://tracker.example/p.gif">',
    });
    const text = await t.sendMail({
      from: 'a@example.test',
      to: 'b@example.test',
      subject: 'text only',
      text: 'plain <b>not html</b> & "quotes"',
    });
    t.close();
    htmlId = /queued as (\w+)/.exec(html.response)?.[1] ?? '';
    textId = /queued as (\w+)/.exec(text.response)?.[1] ?? '';
  });
  afterAll(() => app.stop());

  it('serves /view/{ID}.html under a Content-Security-Policy that runs no script', async () => {
    const res = await app.http(`view/${htmlId}.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<p>the html part</p>');
    const policy = new Map(
      (res.headers.get('content-security-policy') ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name = '', ...values]) => [name, values]),
    );
    // No script-src, so default-src governs scripts, and it allows nothing.
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.has('script-src')).toBe(false);
    expect(policy.has('script-src-elem')).toBe(false);
    expect(policy.get('sandbox')).toBeDefined();
    expect(policy.get('sandbox')).not.toContain('allow-scripts');
    expect(policy.get('sandbox')).not.toContain('allow-same-origin');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves /view/{ID}.txt as the text part', async () => {
    const res = await app.http(`view/${htmlId}.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await res.text()).trim()).toBe('the text part');
  });

  it('shows a text-only message in the .html view as escaped text', async () => {
    const res = await app.http(`view/${textId}.html`);
    const body = await res.text();
    expect(body).not.toContain('<b>');
    expect(body).toContain('&#60;b&#62;not html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('answers an unknown part with 404 not_found', async () => {
    for (const part of ['99', '1.9', 'x']) {
      const res = await app.http(`api/v1/message/${htmlId}/part/${part}`);
      expect(res.status, part).toBe(404);
      expect(await res.json(), part).toMatchObject({ Code: 'not_found' });
    }
  });

  it.each([
    ['POST', 'release'],
    ['GET', 'html-check'],
    ['GET', 'link-check'],
    ['GET', 'sa-check'],
  ])('answers %s /api/v1/message/{ID}/%s with 400 not_enabled', async (method, route) => {
    const res = await app.http(`api/v1/message/${htmlId}/${route}`, {
      method,
      ...(method === 'POST' ? { body: JSON.stringify({ To: ['x@example.test'] }) } : {}),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ Code: 'not_enabled', Error: expect.any(String) });
  });

  it('answers an unknown message ID on every message route with 404 not_found', async () => {
    for (const urlPath of [
      'api/v1/message/no-such-id',
      'api/v1/message/no-such-id/headers',
      'api/v1/message/no-such-id/raw',
      'api/v1/message/no-such-id/raw?dl=1',
      'api/v1/message/no-such-id/part/1',
      'view/no-such-id.html',
      'view/no-such-id.html?embed=1',
      'view/no-such-id.txt',
    ]) {
      const res = await app.http(urlPath);
      expect(res.status, urlPath).toBe(404);
      expect(await res.json(), urlPath).toMatchObject({ Code: 'not_found' });
    }
  });
});

describe('an empty mailbox', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.stop());

  it('answers latest on every route with 404 not_found', async () => {
    for (const urlPath of [
      'api/v1/message/latest',
      'api/v1/message/latest/headers',
      'api/v1/message/latest/raw',
      'api/v1/message/latest?query=to:anyone',
      'view/latest.html',
      'view/latest.txt',
    ]) {
      const res = await app.http(urlPath);
      expect(res.status, urlPath).toBe(404);
      expect(await res.json(), urlPath).toMatchObject({ Code: 'not_found' });
    }
  });
});
