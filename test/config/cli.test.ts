import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/config-options.ts';
import { ChildCatchall, childFetch } from '../helpers/child-catchall.ts';
import { SmtpConversation } from '../helpers/smtp-conversation.ts';

const children: ChildCatchall[] = [];
const servers: net.Server[] = [];
const folders: string[] = [];

function spawnCli(args: readonly string[], env: Record<string, string> = {}): ChildCatchall {
  const child = ChildCatchall.spawn(args, env);
  children.push(child);
  return child;
}

async function startCli(args: readonly string[] = [], env: Record<string, string> = {}) {
  const child = await ChildCatchall.start(args, env);
  children.push(child);
  return child;
}

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A port that something else is already listening on. */
async function occupiedPort(): Promise<number> {
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** An empty folder used as the child's TMPDIR, so its temporary database is easy to find. */
function freshTmpdir(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'catchall-cli-tmp-'));
  folders.push(folder);
  return folder;
}

/** What the child left in its TMPDIR, apart from tsx's compile cache (tsx-<uid>). */
const leftovers = (tmp: string) => readdirSync(tmp).filter((name) => !/^tsx-\d+$/.test(name));

describe('catchall CLI', () => {
  it('exits with 2 and lists every invalid option on stderr', async () => {
    const child = spawnCli(['--bogus', '--smtp', 'nope', '--max', 'lots', '--verbose', '--quiet'], {
      CATCHALL_LISTEN: '127.0.0.1:99999',
    });
    expect(await child.waitForExit()).toEqual({ code: 2, signal: null });
    expect(child.stdout).toBe('');
    expect(child.stderr).toMatch(/^catchall: invalid options:\n/);
    for (const problem of [
      '  - unknown option --bogus',
      '  - --smtp: "nope" is not an address',
      '  - CATCHALL_LISTEN: "127.0.0.1:99999" is not an address',
      '  - --max: "lots" is not a whole number',
      '  - --verbose and --quiet cannot be used together',
    ]) {
      expect(child.stderr).toContain(problem);
    }
    expect(child.stderr.match(/^ {2}- /gm)).toHaveLength(5);
    expect(child.stderr).toContain('catchall --help');
  });

  it('prints the option table for --help and exits 0', async () => {
    const child = spawnCli(['--help']);
    expect(await child.waitForExit()).toEqual({ code: 0, signal: null });
    expect(child.stdout).toContain('Usage: catchall [options]');
    for (const option of OPTIONS) {
      expect(child.stdout).toMatch(new RegExp(`^ {2}--${option.name}\\b.*\\(${option.env}\\)$`, 'm'));
    }
    expect(child.stderr).toBe('');
  });

  it('prints the version for --version and exits 0', async () => {
    const child = spawnCli(['--version']);
    expect(await child.waitForExit()).toEqual({ code: 0, signal: null });
    expect(child.stdout).toMatch(/^catchall \d+\.\d+\.\d+\n$/);
  });

  it('prints the ports it picked for port 0, and both really accept connections', async () => {
    const child = await startCli();
    expect(child.stdout).toMatch(/^smtp listening on 127\.0\.0\.1:\d+\n/m);
    expect(child.stdout).toMatch(/^http listening on http:\/\/127\.0\.0\.1:\d+\/\n/m);
    expect(child.smtpPort).toBeGreaterThan(0);
    expect(new URL(child.httpUrl).port).not.toBe('0');

    const smtp = await SmtpConversation.connect(child.smtpPort);
    const greeting = await smtp.read();
    expect(greeting.code).toBe(220);
    expect(greeting.text).toContain('catchall');
    expect((await smtp.command('QUIT')).code).toBe(221);

    const res = await childFetch(child, 'api/v1/messages');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ total: 0, messages: [] });
  });

  it('reads CATCHALL_* variables, and its flags win over them', async () => {
    const taken = await occupiedPort();
    // The flag --smtp 127.0.0.1:0 (added by startCli) must win over the taken port in the env.
    const child = await startCli([], { CATCHALL_SMTP: `127.0.0.1:${taken}`, CATCHALL_WEBROOT: 'inbox' });
    expect(child.smtpPort).not.toBe(taken);
    expect(child.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/inbox\/$/);
    expect((await childFetch(child, 'api/v1/messages')).status).toBe(200);
  });

  it.each([
    ['--smtp', 'smtp'],
    ['--listen', 'http'],
  ])('exits with 1 and names the address when the %s port is taken', async (flag) => {
    const port = await occupiedPort();
    const tmp = freshTmpdir();
    const args = ['--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0', flag, `127.0.0.1:${port}`];
    const child = spawnCli(args, { TMPDIR: tmp });
    expect(await child.waitForExit()).toEqual({ code: 1, signal: null });
    expect(child.stderr).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
    expect(child.stdout).not.toMatch(/^http listening/m);
    // The temporary database it had already opened is removed again.
    expect(leftovers(tmp)).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops cleanly on %s, exiting 0 and removing its temporary database',
    async (signal) => {
      const tmp = freshTmpdir();
      const child = await startCli([], { TMPDIR: tmp });
      const logged = await child.waitForOutput(
        /^\S+ info +database: (.+) \(temporary, removed on exit\)$/m,
        'stderr',
      );
      const databaseFile = logged[1] ?? '';
      expect(databaseFile.startsWith(tmp)).toBe(true);
      expect(existsSync(databaseFile)).toBe(true);

      child.process.kill(signal);
      expect(await child.waitForExit()).toEqual({ code: 0, signal: null });
      expect(child.stderr).toContain(`${signal}: finishing open SMTP transactions`);
      expect(existsSync(path.dirname(databaseFile))).toBe(false);
      expect(leftovers(tmp)).toEqual([]);
    },
  );

  it('stops cleanly on a SIGTERM that arrives the moment the ports are printed', async () => {
    const tmp = freshTmpdir();
    const child = spawnCli(['--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0'], { TMPDIR: tmp });
    children.push(child);
    await child.waitForOutput(/^smtp listening on /m, 'stdout');
    child.process.kill('SIGTERM');
    expect(await child.waitForExit()).toEqual({ code: 0, signal: null });
    expect(leftovers(tmp)).toEqual([]);
  });

  it('keeps a database given with --database after exit', async () => {
    const dir = freshTmpdir();
    const file = path.join(dir, 'nested', 'mail.db');
    const child = await startCli(['--database', file]);
    const logged = await child.waitForOutput(/^\S+ info +database: (.+)$/m, 'stderr');
    expect(logged[1]).toBe(file);
    child.process.kill('SIGTERM');
    expect(await child.waitForExit()).toEqual({ code: 0, signal: null });
    expect(existsSync(file)).toBe(true);
  });

  it('logs nothing but errors with --quiet', async () => {
    const child = await startCli(['--quiet']);
    child.process.kill('SIGTERM');
    expect(await child.waitForExit()).toEqual({ code: 0, signal: null });
    expect(child.stdout).toMatch(/^smtp listening on /m);
    expect(child.stderr).toBe('');
  });
});
