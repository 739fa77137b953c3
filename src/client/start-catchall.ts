import { startApp, type RunningApp } from '../app.ts';
import { embeddedEnvironment, loadConfig } from '../config/config-load.ts';
import { createLog } from '../log/log.ts';
import { CatchallClient } from './catchall-client.ts';

export interface StartCatchallOptions {
  /** Extra command-line options, e.g. ["--smtp-auth-file", "users.txt"]. Ports default to free ones. */
  readonly args?: readonly string[];
  /** Log to stderr as the CLI would (default: only errors). */
  readonly verbose?: boolean;
}

export interface StartedCatchall {
  readonly client: CatchallClient;
  /** Point the app under test here: host 127.0.0.1 (unless --smtp says otherwise). */
  readonly smtpPort: number;
  readonly httpUrl: string;
  readonly app: RunningApp;
  stop(): Promise<void>;
}

/**
 * Runs catchall inside the test process on free ports with a temporary database, for a test
 * suite's setup (Vitest globalSetup, Playwright fixtures). stop() finishes open SMTP
 * transactions and removes the database.
 */
export async function startCatchall(options: StartCatchallOptions = {}): Promise<StartedCatchall> {
  const result = loadConfig(
    [
      '--smtp',
      '127.0.0.1:0',
      '--listen',
      '127.0.0.1:0',
      ...(options.verbose ? ['--verbose'] : ['--quiet']),
      ...(options.args ?? []),
    ],
    embeddedEnvironment(),
  );
  if (result.kind !== 'config') {
    const problems = result.kind === 'errors' ? result.errors.join('; ') : result.kind;
    throw new Error(`startCatchall: invalid options: ${problems}`);
  }
  const app = await startApp(result.config, { log: createLog(result.config.logLevel) });
  // With --ui-auth-file the client logs in as the file's first user.
  const [user] = result.config.http.credentials ?? [];
  const auth = user ? { username: user[0], password: user[1] } : undefined;
  return {
    client: new CatchallClient({ baseUrl: app.httpUrl, ...(auth ? { auth } : {}) }),
    smtpPort: app.smtpPort,
    httpUrl: app.httpUrl,
    app,
    stop: () => app.stop(),
  };
}
