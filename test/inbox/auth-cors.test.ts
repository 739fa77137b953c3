import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

/** --ui-auth-file (basic auth on UI, API and views; probes open) and --api-cors, as in Mailpit. */

function usersFile(content: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-ui-auth-'));
  const file = path.join(dir, 'users');
  writeFileSync(file, content);
  return file;
}

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

describe('--ui-auth-file', () => {
  let app: TestApp;
  let messageId: string;
  beforeAll(async () => {
    app = await startTestApp(['--ui-auth-file', usersFile('# QA team\nann:s3cret\n\ncarol:pa:ss:word\n')]);
    const sent = await app.http('api/v1/send', {
      method: 'POST',
      headers: { Authorization: basic('ann:s3cret') },
      body: JSON.stringify({
        From: { Email: 'a@example.test' },
        To: [{ Email: 'b@example.test' }],
        Subject: 'x',
      }),
    });
    expect(sent.status).toBe(200);
    messageId = ((await sent.json()) as { ID: string }).ID;
  });
  afterAll(() => app.stop());

  const protectedPaths = () => [
    '',
    'api/v1/messages',
    'api/v1/info',
    'api/v1/webui',
    `api/v1/message/${messageId}`,
    `api/v1/message/${messageId}/raw`,
    `view/${messageId}.html`,
    `view/${messageId}.txt`,
    'api/v1/no-such-route',
  ];

  it('answers 401 with a Basic challenge on the UI, API and views without credentials', async () => {
    for (const urlPath of protectedPaths()) {
      const res = await app.http(urlPath);
      expect(res.status, urlPath).toBe(401);
      expect(res.headers.get('www-authenticate'), urlPath).toMatch(/^Basic realm="[^"]+"$/);
    }
  });

  it('refuses mutations without credentials and changes nothing', async () => {
    const res = await app.http('api/v1/messages', { method: 'DELETE' });
    expect(res.status).toBe(401);
    const list = await app.http('api/v1/messages', { headers: { Authorization: basic('ann:s3cret') } });
    expect(((await list.json()) as { total: number }).total).toBe(1);
  });

  it('lets the right credentials through', async () => {
    for (const credentials of ['ann:s3cret', 'carol:pa:ss:word']) {
      for (const urlPath of protectedPaths().slice(0, -1)) {
        const res = await app.http(urlPath, { headers: { Authorization: basic(credentials) } });
        expect(res.status, `${credentials} ${urlPath}`).toBe(200);
      }
    }
  });

  it('refuses a wrong password, an unknown user and malformed headers', async () => {
    for (const authorization of [
      basic('ann:wrong'),
      basic('ann:s3cret '),
      basic('ann:'),
      basic('Ann:s3cret'),
      basic('bob:s3cret'),
      basic('carol:pa'),
      basic('ann'),
      'Basic not-base64!!',
      'Bearer s3cret',
      `Digest ${Buffer.from('ann:s3cret').toString('base64')}`,
    ]) {
      const res = await app.http('api/v1/messages', { headers: { Authorization: authorization } });
      expect(res.status, authorization).toBe(401);
    }
  });

  it('keeps /livez and /readyz open', async () => {
    for (const urlPath of ['livez', 'readyz']) {
      const res = await app.http(urlPath);
      expect(res.status, urlPath).toBe(200);
      expect(await res.text()).toBe('ok');
    }
  });
});

describe('--api-cors with one origin', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(['--api-cors', 'https://app.example']);
  });
  afterAll(() => app.stop());

  it('answers a preflight from that origin with its CORS headers', async () => {
    const res = await app.http('api/v1/messages', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example',
        'Access-Control-Request-Method': 'DELETE',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const methods = (res.headers.get('access-control-allow-methods') ?? '').split(/\s*,\s*/);
    expect(methods).toEqual(expect.arrayContaining(['GET', 'PUT', 'POST', 'DELETE']));
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
  });

  it('adds Access-Control-Allow-Origin to API responses for that origin', async () => {
    const res = await app.http('api/v1/messages', { headers: { Origin: 'https://app.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('adds no Access-Control-Allow-Origin for another origin', async () => {
    for (const origin of ['https://evil.example', 'http://app.example', 'https://app.example:8443', 'null']) {
      const res = await app.http('api/v1/messages', { headers: { Origin: origin } });
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      const preflight = await app.http('api/v1/messages', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'DELETE' },
      });
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });
});

describe('--api-cors with bare host names, as Mailpit accepts them', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(['--api-cors', 'app.example,other.example']);
  });
  afterAll(() => app.stop());

  it('allows those hosts over any scheme, and no other host', async () => {
    for (const origin of ['https://app.example', 'http://other.example']) {
      const res = await app.http('api/v1/info', { headers: { Origin: origin } });
      expect(res.headers.get('access-control-allow-origin'), origin).toBe(origin);
    }
    const res = await app.http('api/v1/info', { headers: { Origin: 'https://third.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('--api-cors *', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(['--api-cors', '*']);
  });
  afterAll(() => app.stop());

  it('allows any origin', async () => {
    for (const origin of ['https://app.example', 'http://localhost:3000']) {
      const res = await app.http('api/v1/messages', { headers: { Origin: origin } });
      expect(res.headers.get('access-control-allow-origin'), origin).toBe('*');
      const preflight = await app.http('api/v1/messages', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT' },
      });
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBe('*');
    }
  });
});

describe('without --api-cors', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.stop());

  it('sends no CORS headers', async () => {
    const res = await app.http('api/v1/messages', { headers: { Origin: 'https://app.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('--ui-auth-file with --api-cors', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp([
      '--ui-auth-file',
      usersFile('ann:s3cret\n'),
      '--api-cors',
      'https://app.example',
    ]);
  });
  afterAll(() => app.stop());

  it('answers the preflight without credentials, since browsers send none with it', async () => {
    const res = await app.http('api/v1/messages', {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://app.example',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('still requires credentials for the request itself, with CORS headers on the 401', async () => {
    const res = await app.http('api/v1/messages', { headers: { Origin: 'https://app.example' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const authed = await app.http('api/v1/messages', {
      headers: { Origin: 'https://app.example', Authorization: basic('ann:s3cret') },
    });
    expect(authed.status).toBe(200);
    expect(authed.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });
});
