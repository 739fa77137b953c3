import { startTestApp, type TestApp } from './test-app.ts';

/**
 * The product started for auth tests: harness mode (clock, reset, simulated client IP, audit
 * trail), chaos for SMTP faults, and a cheap scrypt preset (2^10 instead of 2^17, allowed only with
 * --auth-harness) so a test suite does not spend seconds per password.
 */
export async function startAuthApp(extraArgs: readonly string[] = []): Promise<AuthApp> {
  const app = await startTestApp([
    '--auth-harness',
    '--auth-scrypt-ln',
    '10',
    '--enable-chaos',
    ...extraArgs,
  ]);
  return Object.assign(app, authHelpers(app));
}

export type AuthApp = TestApp & ReturnType<typeof authHelpers>;

export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

function authHelpers(app: TestApp) {
  let ipCounter = 0;
  const helpers = {
    /** POST JSON to /auth/<path>; headers may add X-Harness-Client-Ip, X-Session-Transport, … */
    async post<T = Record<string, unknown>>(
      path: string,
      body: unknown,
      headers: Record<string, string> = {},
    ): Promise<Answer<T>> {
      const res = await app.http(`auth/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return answer<T>(res);
    },
    async get<T = Record<string, unknown>>(
      path: string,
      headers: Record<string, string> = {},
    ): Promise<Answer<T>> {
      return answer<T>(await app.http(`auth/${path}`, { headers }));
    },
    /** A fresh simulated client IP (harness header), so per-IP limits of one test do not leak into another. */
    freshIp(): Record<string, string> {
      ipCounter++;
      return {
        'x-harness-client-ip': `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`,
      };
    },
    /** The newest mail to `address`, waiting up to 10 s: its ID, subject, best code and links (from /extract). */
    async latestMail(address: string, after?: string): Promise<LatestMail> {
      const query = encodeURIComponent(`to:"${address}"`);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const res = await app.http(`api/v1/message/latest/extract?query=${query}&wait=5s`);
        if (res.status === 200) {
          const json = (await res.json()) as ExtractJson;
          if (json.ID !== after) {
            const message = (await (await app.http(`api/v1/message/${json.ID}`)).json()) as {
              Subject: string;
              Text: string;
            };
            return {
              id: json.ID,
              subject: message.Subject,
              text: message.Text,
              code: json.Codes[0]?.Value ?? null,
              resetLink: json.Links.find((l) => l.Kind === 'reset')?.URL ?? null,
            };
          }
        } else if (res.status !== 404) {
          throw new Error(`extract: ${res.status} ${await res.text()}`);
        }
        if (Date.now() > deadline) throw new Error(`no new mail to ${address} within 10 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    /** How many mails the inbox holds for `address`. */
    async mailCount(address: string): Promise<number> {
      const res = await app.http(`api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`);
      return ((await res.json()) as { messages_count: number }).messages_count;
    },
    /** PUT /api/v1/chaos (e.g. `{ Data: { ErrorCode: 451, Next: 1 } }`); `{}` resets. */
    async chaos(triggers: Record<string, unknown>): Promise<void> {
      const res = await app.http('api/v1/chaos', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(triggers),
      });
      if (res.status !== 200) throw new Error(`chaos: ${res.status} ${await res.text()}`);
    },
    /** Moves the harness clock forward. */
    async advance(ms: number): Promise<void> {
      const res = await helpers.post('_harness/clock', { advanceMs: ms });
      if (res.status !== 200) throw new Error(`clock: ${res.status}`);
    },
    /** Wipes auth state (not the mailbox, not the clock). */
    async resetAuth(): Promise<void> {
      await helpers.post('_harness/reset', {});
      await app.http('api/v1/messages', { method: 'DELETE' });
      await app.http('auth/_harness/clock', { method: 'DELETE' });
    },
  };
  return helpers;
}

interface ExtractJson {
  ID: string;
  Codes: { Value: string }[];
  Links: { URL: string; Kind: string }[];
}

export interface LatestMail {
  readonly id: string;
  readonly subject: string;
  readonly text: string;
  readonly code: string | null;
  readonly resetLink: string | null;
}

async function answer<T>(res: Response): Promise<Answer<T>> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON (e.g. a plain-text error from outside /auth): keep the text for the assertion.
    body = text;
  }
  return { status: res.status, headers: res.headers, body: body as T };
}

/** A password that passes the default policy (15+ code points, not common). */
export const GOOD_PASSWORD = 'tangerine-orbit-velvet-42';
export const OTHER_PASSWORD = 'marble-canyon-lantern-77';
