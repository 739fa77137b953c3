/**
 * CLI entry: loadConfig(argv, env) → startApp(config) → print where it listens → stop on
 * SIGINT/SIGTERM. The only file that calls process.exit.
 * Exit codes: 0 after a clean stop or --help; 1 if it cannot start (e.g. a port is taken);
 * 2 for invalid options.
 */
import { startApp, type RunningApp } from './app.ts';
import { loadConfig } from './config/config-load.ts';
import { createLog } from './log/log.ts';

const result = loadConfig(process.argv.slice(2), process.env);
if (result.kind === 'help' || result.kind === 'version') {
  process.stdout.write(`${result.text}\n`);
  process.exit(0);
}
if (result.kind === 'errors') {
  process.stderr.write(`catchall: invalid options:\n${result.errors.map((e) => `  - ${e}`).join('\n')}\n`);
  process.stderr.write('Run "catchall --help" for the list of options.\n');
  process.exit(2);
}

const { config } = result;
const log = createLog(config.logLevel);

// Signals are handled from the start: one that arrives while starting stops the app as soon as
// it is up, instead of killing the process with the temporary database left behind.
let stopSignal: string | null = null;
let app: RunningApp | null = null;
const stop = (signal: string) => {
  // Ctrl-C reaches every process of the group, and wrappers (npm, tsx) relay it again: a
  // repeated signal must not cut the drain short. The drain itself is bounded by the grace time.
  if (stopSignal) return;
  stopSignal = signal;
  if (app) shutDown(app, signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

function shutDown(running: RunningApp, signal: string): void {
  log.info(`${signal}: finishing open SMTP transactions and closing the database`);
  running.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      log.error('shutdown failed', error);
      process.exit(1);
    },
  );
}

try {
  app = await startApp(config, { log });
  for (const l of app.smtp) {
    const host = l.host.includes(':') ? `[${l.host}]` : l.host;
    process.stdout.write(
      `${l.name} listening on ${host}:${l.port}${l.implicitTls ? ' (implicit TLS)' : ''}\n`,
    );
  }
  process.stdout.write(`http listening on ${app.httpUrl}\n`);
  if (config.auth.enabled) {
    log.info(`auth API: ${app.httpUrl}auth/ (demo pages: ${app.httpUrl}demo/)`);
    if (config.auth.harness) log.warn('auth harness is on: anyone who can reach the API can move its clock');
  }
  log.info(`database: ${app.databaseFile}${config.storage.database ? '' : ' (temporary, removed on exit)'}`);
  if (stopSignal) shutDown(app, stopSignal);
} catch (error) {
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
    process.stderr.write(
      `catchall: cannot listen on ${e.address ?? '?'}:${e.port ?? '?'} (${e.code}). Is another mail catcher running? Pick another port with --smtp / --listen (0 = any free port).\n`,
    );
  } else {
    log.error('catchall could not start', error);
  }
  process.exit(1);
}
