import { startApp, type AppDeps, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config-load.ts';
import type { Config } from '../../src/config/config-types.ts';
import { silentLog } from '../../src/log/log.ts';

/** Builds a config exactly as the CLI would, from flags; every listener on a free port. */
export function testConfig(args: readonly string[] = []): Config {
  const result = loadConfig(['--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0', ...args], {});
  if (result.kind !== 'config') throw new Error(`bad test config: ${JSON.stringify(result)}`);
  return result.config;
}

export interface TestApp extends RunningApp {
  /** GET (or another method) on the HTTP API, returning the Response. */
  http(path: string, init?: RequestInit): Promise<Response>;
  /** GET a JSON document and assert a 200. */
  json<T = unknown>(path: string): Promise<T>;
}

/** Starts the whole product in-process on free ports; call stop() in afterAll/afterEach. */
export async function startTestApp(args: readonly string[] = [], deps: AppDeps = {}): Promise<TestApp> {
  const app = await startApp(testConfig(args), { log: silentLog, shutdownGraceMs: 2000, ...deps });
  const http = (path: string, init?: RequestInit) =>
    fetch(new URL(path.replace(/^\//, ''), app.httpUrl), init);
  return Object.assign(app, {
    http,
    async json<T>(path: string): Promise<T> {
      const res = await http(path);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
  });
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The API's JSON shapes, shared with the typed client. */
export type {
  AddressJson,
  MessageSummaryJson,
  MessagesListJson as MessagesList,
} from '../../src/client/client-types.ts';
