import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildCatchall, REPO_ROOT, type RunningChild } from '../helpers/child-catchall.ts';

/**
 * examples/auth-flow.sh, the README's walk through the auth API with curl, run as it is against
 * the real CLI: if the API and the script drift apart, this fails. The child runs in harness mode
 * with a cheap scrypt preset (2^12, allowed only with --auth-harness) to keep the run short.
 */
const SCRIPT = path.join(REPO_ROOT, 'examples', 'auth-flow.sh');

interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runScript(env: Record<string, string>): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      'sh',
      [SCRIPT],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('examples/auth-flow.sh', () => {
  let child: RunningChild;

  beforeAll(async () => {
    child = await ChildCatchall.start(['--auth-harness', '--auth-scrypt-ln', '12']);
  });

  afterAll(async () => {
    if (!child) return;
    // SIGTERM, not SIGKILL: a clean stop removes the temporary database folder.
    child.process.kill('SIGTERM');
    await child.waitForExit();
  });

  it('registers, verifies, logs out, logs in with a code, resets the password and logs in again', async () => {
    const run = await runScript({ CATCHALL_URL: child.httpUrl });
    const report = `exit ${run.code}\n--- stdout\n${run.stdout}--- stderr\n${run.stderr}`;
    expect(run.code, report).toBe(0);
    expect(run.stderr, report).toBe('');

    const lines = run.stdout.trimEnd().split('\n');
    const expected = [
      /^auth flow against http:\/\/127\.0\.0\.1:\d+ as demo-\d+-\d+@example\.test$/,
      /^1\. register: 202 verification_sent$/,
      /^2\. code from the inbox: \d{6}$/,
      /^3\. register\/verify: 201, signed in as demo-\d+-\d+@example\.test$/,
      /^4\. session: 200, expires \d{4}-\d\d-\d\dT[\d:.]+Z$/,
      /^5\. logout: 204$/,
      /^6\. session after logout: 401 unauthenticated$/,
      /^7\. login\/code: 202 code_sent$/,
      /^8\. sign-in code from the inbox: \d{6}$/,
      /^9\. login\/code\/verify: 200$/,
      /^10\. password\/forgot: 202 reset_email_sent$/,
      /^11\. reset link from the inbox: http:\/\/127\.0\.0\.1:\d+\/demo\/reset-password#token=[\w-]{43}$/,
      /^12\. password\/reset\/check: 200, valid until \d{4}-\d\d-\d\dT[\d:.]+Z$/,
      /^13\. password\/reset: 204$/,
      /^14\. session from step 9 after the reset: 401 unauthenticated$/,
      /^15\. login with the new password: 200$/,
      /^16\. login with the old password: 401 invalid_credentials$/,
      /^all steps passed$/,
    ];
    expect(lines.length, report).toBe(expected.length);
    expected.forEach((pattern, i) => expect(lines[i], report).toMatch(pattern));
    // The link points at this server's /demo pages (the default --auth-app-url).
    expect(run.stdout).toContain(`${child.httpUrl}demo/reset-password#token=`);
  });

  it('exits non-zero at the first unexpected status, showing the answer', async () => {
    // A server that is not catchall: every request gets a 503 problem.
    const server = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/problem+json' });
      res.end('{"code":"not_catchall"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const run = await runScript({ CATCHALL_URL: `http://127.0.0.1:${port}` });
      expect(run.code).toBe(1);
      expect(run.stdout).not.toContain('1. register');
      expect(run.stderr).toBe(
        'FAILED: POST /auth/register: expected HTTP 202, got 503\n{"code":"not_catchall"}\n',
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
