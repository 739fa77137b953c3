import type {
  ExtractJson,
  MessageJson,
  MessagesListJson,
  SessionJson,
  SessionsListJson,
} from './client-types.ts';

export interface CatchallClientOptions {
  /** catchall's HTTP address with its webroot, e.g. "http://127.0.0.1:8025/". */
  readonly baseUrl: string;
  /** For --ui-auth-file. */
  readonly auth?: { readonly username: string; readonly password: string };
  /** Default time limit of the waitFor* methods (10 s). */
  readonly timeoutMs?: number;
}

export interface WaitOptions {
  /** Mailpit search, e.g. "to:ann@example.test subject:Verify". */
  readonly query?: string;
  /** How long to wait for a matching message (default: the client's timeoutMs). */
  readonly timeoutMs?: number;
  /**
   * Only messages received at or after this time. Take it before the action that sends the mail
   * (`const since = new Date()`), so an older mail to the same address is never picked up.
   */
  readonly after?: Date;
}

/** An HTTP error from catchall, with its status and machine-readable code. */
export class CatchallError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'CatchallError';
    this.status = status;
    this.code = code;
  }
}

/** The server holds a wait for at most 5 minutes (src/inbox/wait-duration.ts). */
const MAX_WAIT_MS = 5 * 60 * 1000;

/**
 * A typed client for tests: Mailpit's API and catchall's extensions. The waitFor* methods use
 * the server-side `wait` (answered the moment the mail is stored), never a polling loop.
 */
export class CatchallClient {
  readonly #base: URL;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;

  constructor(options: CatchallClientOptions | string) {
    const o = typeof options === 'string' ? { baseUrl: options } : options;
    this.#base = new URL(o.baseUrl.endsWith('/') ? o.baseUrl : `${o.baseUrl}/`);
    this.#headers = o.auth
      ? { Authorization: `Basic ${Buffer.from(`${o.auth.username}:${o.auth.password}`).toString('base64')}` }
      : {};
    this.#timeoutMs = o.timeoutMs ?? 10_000;
  }

  /** Newest first. */
  list(options: { start?: number; limit?: number } = {}): Promise<MessagesListJson> {
    return this.#json('GET', 'api/v1/messages', { start: options.start, limit: options.limit });
  }

  search(
    query: string,
    options: { start?: number; limit?: number; tz?: string } = {},
  ): Promise<MessagesListJson> {
    return this.#json('GET', 'api/v1/search', { query, ...options });
  }

  /** A message by ID, or the newest (matching `query`). Reading marks it read. */
  get(id = 'latest', options: { query?: string } = {}): Promise<MessageJson> {
    return this.#json('GET', `api/v1/message/${encodeURIComponent(id)}`, { query: options.query });
  }

  async raw(id = 'latest'): Promise<string> {
    return (await this.#request('GET', `api/v1/message/${encodeURIComponent(id)}/raw`)).text();
  }

  /** The codes and links found in a message, best first. */
  extract(id = 'latest', options: { query?: string } = {}): Promise<ExtractJson> {
    return this.#json('GET', `api/v1/message/${encodeURIComponent(id)}/extract`, { query: options.query });
  }

  /** Deletes the listed messages, or every message when none are given. */
  async delete(ids: readonly string[] = []): Promise<void> {
    await this.#request('DELETE', 'api/v1/messages', {}, { IDs: ids });
  }

  async deleteSearch(query: string): Promise<void> {
    await this.#request('DELETE', 'api/v1/search', { query });
  }

  async markRead(ids: readonly string[], read = true): Promise<void> {
    await this.#request('PUT', 'api/v1/messages', {}, { IDs: ids, Read: read });
  }

  sessions(options: { start?: number; limit?: number } = {}): Promise<SessionsListJson> {
    return this.#json('GET', 'api/v1/sessions', options);
  }

  session(id: string): Promise<SessionJson> {
    return this.#json('GET', `api/v1/session/${encodeURIComponent(id)}`);
  }

  /** The newest message matching `query`, waiting for one to arrive if there is none yet. */
  waitForMessage(options: WaitOptions = {}): Promise<MessageJson> {
    return this.#waitFor('', options) as Promise<MessageJson>;
  }

  /** The best one-time code of the newest matching message (waiting for it), e.g. "482913". */
  async waitForCode(options: WaitOptions = {}): Promise<string> {
    const found = (await this.#waitFor('/extract', options)) as ExtractJson;
    const code = found.Codes[0];
    if (!code)
      throw new CatchallError(
        404,
        'no_code',
        `the newest message matching "${options.query ?? ''}" has no code`,
      );
    return code.Value;
  }

  /** The best link of a kind ("verify", "reset", "login"; any action link by default). */
  async waitForLink(
    kind?: 'verify' | 'reset' | 'login' | 'unsubscribe' | 'other',
    options: WaitOptions = {},
  ): Promise<string> {
    const found = (await this.#waitFor('/extract', options)) as ExtractJson;
    const wanted = kind ? [kind] : ['verify', 'reset', 'login'];
    const link = found.Links.find((l) => wanted.includes(l.Kind));
    if (!link) {
      throw new CatchallError(
        404,
        'no_link',
        `the newest message matching "${options.query ?? ''}" has no ${kind ?? 'action'} link`,
      );
    }
    return link.URL;
  }

  async #waitFor(suffix: string, options: WaitOptions): Promise<unknown> {
    const timeoutMs = Math.min(options.timeoutMs ?? this.#timeoutMs, MAX_WAIT_MS);
    const after = options.after ? `after:${options.after.toISOString()}` : '';
    const query = [options.query ?? '', after].filter(Boolean).join(' ');
    try {
      return await this.#json('GET', `api/v1/message/latest${suffix}`, { query, wait: `${timeoutMs}ms` });
    } catch (error) {
      if (error instanceof CatchallError && error.status === 404) {
        throw new CatchallError(
          404,
          'timeout',
          `no message matching "${options.query ?? ''}" within ${timeoutMs} ms`,
        );
      }
      throw error;
    }
  }

  async #json<T>(method: string, path: string, params: Record<string, unknown> = {}): Promise<T> {
    return (await (await this.#request(method, path, params)).json()) as T;
  }

  async #request(
    method: string,
    path: string,
    params: Record<string, unknown> = {},
    body?: unknown,
  ): Promise<Response> {
    const url = new URL(path, this.#base);
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
    }
    const res = await fetch(url, {
      method,
      headers: { ...this.#headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.ok) return res;
    const text = await res.text();
    let code = 'http_error';
    let message = text || res.statusText;
    try {
      const parsed = JSON.parse(text) as { Code?: string; Error?: string };
      code = parsed.Code ?? code;
      message = parsed.Error ?? message;
    } catch {
      // Not JSON (a proxy's error page, say): keep the text as the message.
    }
    throw new CatchallError(res.status, code, `${method} ${url.pathname}: ${res.status} ${message}`);
  }
}
