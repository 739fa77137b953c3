import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config-load.ts';
import { AUTH_OPTIONS } from '../../src/config/config-auth-options.ts';
import type { AuthConfig, Config } from '../../src/config/config-types.ts';
import { startAuthApp } from '../helpers/auth-harness.ts';
import { ChildCatchall, childFetch } from '../helpers/child-catchall.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * The auth options (specs/auth.md "Defaults"): every default of the spec's table, every option
 * from its flag and its CATCHALL_* variable, errors that name what the user typed, the refusals
 * that protect production (harness, cheap scrypt), and --auth-smtp-url sending real mail.
 */

function config(argv: string[], env: Record<string, string> = {}): Config {
  const result = loadConfig(argv, env, () => {
    throw new Error('no files in these tests');
  });
  if (result.kind !== 'config') throw new Error(`expected a config, got ${JSON.stringify(result)}`);
  return result.config;
}

function errors(argv: string[], env: Record<string, string> = {}): string[] {
  const result = loadConfig(argv, env);
  if (result.kind !== 'errors') throw new Error(`expected errors, got ${JSON.stringify(result)}`);
  return [...result.errors];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const envName = (flag: string) => `CATCHALL_${flag.toUpperCase().replace(/-/g, '_')}`;

describe('auth defaults', () => {
  it('match the table of specs/auth.md', () => {
    const auth = config([]).auth;
    expect(auth.limits).toEqual({
      codeLength: 6,
      codeTtlMs: 10 * MINUTE,
      codeAttempts: 5,
      codeFailuresPerHour: 10,
      codeLockout: 100,
      resendCooldownMs: 60 * SECOND,
      forgotCooldownMs: 300 * SECOND,
      mailsPerDay: 10,
      ipMailBurst: 5,
      ipMailPerHour: 30,
      ipCodeChecks: 30,
      ipCodeWindowMs: 5 * MINUTE,
      ipLoginFailures: 10,
      ipLoginBlockMs: 10 * MINUTE,
      loginThrottleAfter: 5,
      loginThrottleWaitsMs: [1, 2, 4, 8, 16, 30, 60, 180, 300].map((s) => s * SECOND),
      loginLockout: 100,
      ipResetFailures: 10,
      ipResetWindowMs: 15 * MINUTE,
      resetTtlMs: 60 * MINUTE,
      sessionTtlMs: 24 * HOUR,
      sessionIdleMs: 60 * MINUTE,
      passwordMin: 15,
      passwordMax: 128,
      maxBodyBytes: 16 * 1024,
      smtpConnectTimeoutMs: 5 * SECOND,
      smtpGreetingTimeoutMs: 5 * SECOND,
      smtpSocketTimeoutMs: 10 * SECOND,
    });
  });

  it('mount /auth on the embedded sink, off harness, standard scrypt, no extra origins', () => {
    const auth = config([]).auth;
    expect(auth).toMatchObject({
      enabled: true,
      smtpUrl: null,
      appUrl: null,
      mailFrom: 'no-reply@catchall.localhost',
      locale: 'en',
      harness: false,
      allowedOrigins: [],
      trustProxyHops: 0,
      codeKey: null,
      scryptLn: 17,
    });
  });
});

/** One option: a flag value, and what it becomes in the config. */
interface Case {
  readonly value: string;
  readonly read: (auth: AuthConfig) => unknown;
  readonly expected: unknown;
}

const KEY = 'k'.repeat(40);

/** Every value-taking auth option with a non-default value. */
const CASES: Record<string, Case> = {
  'auth-smtp-url': {
    value: 'smtps://mailer:p%40ss@mail.example:2465',
    read: (a) => a.smtpUrl,
    expected: { secure: true, host: 'mail.example', port: 2465, user: 'mailer', password: 'p@ss' },
  },
  'auth-app-url': {
    value: 'https://app.example/base/',
    read: (a) => a.appUrl,
    expected: 'https://app.example/base',
  },
  'auth-mail-from': { value: 'auth@app.example', read: (a) => a.mailFrom, expected: 'auth@app.example' },
  'auth-locale': { value: 'zh', read: (a) => a.locale, expected: 'zh' },
  'auth-allowed-origins': {
    value: 'http://localhost:5173, https://staging.app.example',
    read: (a) => a.allowedOrigins,
    expected: ['http://localhost:5173', 'https://staging.app.example'],
  },
  'trust-proxy-hops': { value: '2', read: (a) => a.trustProxyHops, expected: 2 },
  'auth-code-key': { value: KEY, read: (a) => a.codeKey, expected: KEY },
  'auth-scrypt-ln': { value: '18', read: (a) => a.scryptLn, expected: 18 },
  'auth-code-length': { value: '8', read: (a) => a.limits.codeLength, expected: 8 },
  'auth-code-ttl': { value: '15m', read: (a) => a.limits.codeTtlMs, expected: 15 * MINUTE },
  'auth-code-attempts': { value: '3', read: (a) => a.limits.codeAttempts, expected: 3 },
  'auth-code-failures-per-hour': { value: '20', read: (a) => a.limits.codeFailuresPerHour, expected: 20 },
  'auth-code-lockout': { value: '50', read: (a) => a.limits.codeLockout, expected: 50 },
  'auth-resend-cooldown': { value: '30s', read: (a) => a.limits.resendCooldownMs, expected: 30 * SECOND },
  'auth-forgot-cooldown': { value: '10m', read: (a) => a.limits.forgotCooldownMs, expected: 10 * MINUTE },
  'auth-mails-per-day': { value: '25', read: (a) => a.limits.mailsPerDay, expected: 25 },
  'auth-ip-mail-burst': { value: '7', read: (a) => a.limits.ipMailBurst, expected: 7 },
  'auth-ip-mail-per-hour': { value: '60', read: (a) => a.limits.ipMailPerHour, expected: 60 },
  'auth-ip-code-checks': { value: '40', read: (a) => a.limits.ipCodeChecks, expected: 40 },
  'auth-ip-code-window': { value: '10m', read: (a) => a.limits.ipCodeWindowMs, expected: 10 * MINUTE },
  'auth-ip-login-failures': { value: '20', read: (a) => a.limits.ipLoginFailures, expected: 20 },
  'auth-ip-login-block': { value: '1h', read: (a) => a.limits.ipLoginBlockMs, expected: HOUR },
  'auth-login-throttle-after': { value: '3', read: (a) => a.limits.loginThrottleAfter, expected: 3 },
  'auth-login-throttle-waits': {
    value: '2, 4, 8',
    read: (a) => a.limits.loginThrottleWaitsMs,
    expected: [2 * SECOND, 4 * SECOND, 8 * SECOND],
  },
  'auth-login-lockout': { value: '30', read: (a) => a.limits.loginLockout, expected: 30 },
  'auth-ip-reset-failures': { value: '5', read: (a) => a.limits.ipResetFailures, expected: 5 },
  'auth-ip-reset-window': { value: '1h', read: (a) => a.limits.ipResetWindowMs, expected: HOUR },
  'auth-reset-ttl': { value: '24h', read: (a) => a.limits.resetTtlMs, expected: 24 * HOUR },
  'auth-session-ttl': { value: '168h', read: (a) => a.limits.sessionTtlMs, expected: 168 * HOUR },
  'auth-session-idle': { value: '30m', read: (a) => a.limits.sessionIdleMs, expected: 30 * MINUTE },
  'auth-password-min': { value: '8', read: (a) => a.limits.passwordMin, expected: 8 },
  'auth-password-max': { value: '64', read: (a) => a.limits.passwordMax, expected: 64 },
  'auth-max-body': { value: '32768', read: (a) => a.limits.maxBodyBytes, expected: 32_768 },
  'auth-smtp-connect-timeout': {
    value: '2s',
    read: (a) => a.limits.smtpConnectTimeoutMs,
    expected: 2 * SECOND,
  },
  'auth-smtp-greeting-timeout': {
    value: '3s',
    read: (a) => a.limits.smtpGreetingTimeoutMs,
    expected: 3 * SECOND,
  },
  'auth-smtp-socket-timeout': { value: '1m', read: (a) => a.limits.smtpSocketTimeoutMs, expected: MINUTE },
};

/** The boolean auth options: their name, and what turning them away from the default does. */
const BOOLEANS: Record<string, { read: (auth: AuthConfig) => boolean; default: boolean }> = {
  auth: { read: (a) => a.enabled, default: true },
  'auth-harness': { read: (a) => a.harness, default: false },
};

describe('auth options', () => {
  it('cover every option of the auth table in these tests', () => {
    expect(AUTH_OPTIONS.map((o) => o.name).sort()).toEqual(
      [...Object.keys(CASES), ...Object.keys(BOOLEANS)].sort(),
    );
    for (const spec of AUTH_OPTIONS) expect(spec.env).toBe(envName(spec.name));
  });

  it.each(Object.entries(CASES))(
    '--%s parses from the flag, from its variable, and from --flag=value',
    (name, c) => {
      expect(c.read(config([`--${name}`, c.value]).auth)).toEqual(c.expected);
      expect(c.read(config([`--${name}=${c.value}`]).auth)).toEqual(c.expected);
      expect(c.read(config([], { [envName(name)]: c.value }).auth)).toEqual(c.expected);
      // And it is not the default (otherwise the case proves nothing).
      expect(c.read(config([]).auth)).not.toEqual(c.expected);
    },
  );

  it('lets the flag win over the variable', () => {
    const auth = config(['--auth-code-ttl', '3m'], { CATCHALL_AUTH_CODE_TTL: '20m' }).auth;
    expect(auth.limits.codeTtlMs).toBe(3 * MINUTE);
  });

  it('turns the auth API off with --no-auth or CATCHALL_AUTH=false', () => {
    expect(config(['--no-auth']).auth.enabled).toBe(false);
    expect(config(['--auth=false']).auth.enabled).toBe(false);
    expect(config([], { CATCHALL_AUTH: 'false' }).auth.enabled).toBe(false);
    expect(config([], { CATCHALL_AUTH: '0' }).auth.enabled).toBe(false);
    expect(config(['--auth'], { CATCHALL_AUTH: 'false' }).auth.enabled).toBe(true);
  });

  it('turns harness mode on with --auth-harness or CATCHALL_AUTH_HARNESS', () => {
    expect(config(['--auth-harness']).auth.harness).toBe(true);
    expect(config([], { CATCHALL_AUTH_HARNESS: 'true' }).auth.harness).toBe(true);
    expect(config(['--no-auth-harness'], { CATCHALL_AUTH_HARNESS: 'true' }).auth.harness).toBe(false);
  });

  it('takes plain smtp: URLs with the submission port by default, and smtps: with 465', () => {
    expect(config(['--auth-smtp-url', 'smtp://mail.example']).auth.smtpUrl).toEqual({
      secure: false,
      host: 'mail.example',
      port: 587,
      user: null,
      password: null,
    });
    expect(config(['--auth-smtp-url', 'smtps://mail.example']).auth.smtpUrl?.port).toBe(465);
    expect(config(['--auth-smtp-url', 'smtp://[::1]:2525']).auth.smtpUrl?.host).toBe('::1');
  });

  it('accepts the reset-link lifetime up to 24 h and the password minimum down to 8', () => {
    expect(config(['--auth-reset-ttl', '1440m']).auth.limits.resetTtlMs).toBe(24 * HOUR);
    expect(config(['--auth-password-min', '8']).auth.limits.passwordMin).toBe(8);
  });
});

describe('bad auth values', () => {
  /** Bad values for each option, and the message must start with the flag (or variable) given. */
  const BAD: Record<string, readonly string[]> = {
    'auth-smtp-url': ['http://mail.example', 'mail.example:25', 'not a url', 'smtp://'],
    'auth-app-url': [
      'ftp://app.example',
      'app.example',
      'https://app.example/?next=1',
      'https://app.example/#top',
      'javascript:alert(1)',
      'https://user:secret@app.example/',
    ],
    'auth-mail-from': ['not an address', 'a@b.co\r\nBcc: x@y.z', 'Name <a@b.co>'],
    'auth-locale': ['fr', 'en-US', 'english'],
    'auth-allowed-origins': [
      '*',
      'localhost:5173',
      'http://localhost:5173/app',
      'http://*.example',
      'null',
      'javascript:alert(1)',
      'file:///tmp',
      'http://localhost:5173,*',
    ],
    'trust-proxy-hops': ['-1', '11', 'one'],
    'auth-scrypt-ln': ['0', '21', 'x'],
    'auth-code-length': ['3', '11', 'six'],
    'auth-code-ttl': ['0', 'soon', '25h'],
    'auth-code-attempts': ['0', '1.5'],
    'auth-code-failures-per-hour': ['0', 'many'],
    'auth-code-lockout': ['0'],
    'auth-resend-cooldown': ['-5s', 'x', '2d'],
    'auth-forgot-cooldown': ['0'],
    'auth-mails-per-day': ['0', 'ten'],
    'auth-ip-mail-burst': ['0'],
    'auth-ip-mail-per-hour': ['0'],
    'auth-ip-code-checks': ['0'],
    'auth-ip-code-window': ['0s'],
    'auth-ip-login-failures': ['0'],
    'auth-ip-login-block': ['forever'],
    'auth-login-throttle-after': ['0'],
    'auth-login-throttle-waits': ['1,,2', '1,x', '-1', '1.5', '86401'],
    'auth-login-lockout': ['0'],
    'auth-ip-reset-failures': ['0'],
    'auth-ip-reset-window': ['0'],
    'auth-reset-ttl': ['25h', '1441m', '0'],
    'auth-session-ttl': ['0', 'always'],
    'auth-session-idle': ['0'],
    'auth-password-min': ['7', '0', '129'],
    'auth-password-max': ['7', '2000'],
    'auth-max-body': ['100', '2000000', '16k'],
    'auth-smtp-connect-timeout': ['0', '11m'],
    'auth-smtp-greeting-timeout': ['0'],
    'auth-smtp-socket-timeout': ['0'],
    'auth-code-key': ['too-short'],
  };

  it('covers every value-taking auth option', () => {
    expect(Object.keys(BAD).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.entries(BAD))('--%s refuses bad values, naming the flag or the variable', (name, values) => {
    for (const value of values) {
      const fromFlag = errors([`--${name}`, value]);
      expect(fromFlag, value).toHaveLength(1);
      expect(fromFlag[0], value).toMatch(new RegExp(`^--${name}\\b`));
      const fromEnv = errors([], { [envName(name)]: value });
      expect(fromEnv, value).toHaveLength(1);
      // A range or format error names the variable; a cross-check names the flag.
      expect(fromEnv[0], value).toMatch(new RegExp(`^(${envName(name)}|--${name})\\b`));
    }
  });

  it('refuses a boolean auth setting that is not one, naming where it came from', () => {
    expect(errors(['--auth-harness=maybe'])).toEqual([expect.stringMatching(/^--auth-harness: "maybe"/)]);
    expect(errors([], { CATCHALL_AUTH_HARNESS: 'sometimes' })).toEqual([
      expect.stringMatching(/^CATCHALL_AUTH_HARNESS: "sometimes"/),
    ]);
    expect(errors([], { CATCHALL_AUTH: 'disabled' })).toEqual([
      expect.stringMatching(/^CATCHALL_AUTH: "disabled"/),
    ]);
    expect(errors(['--no-auth=true'])).toEqual([expect.stringMatching(/^--no-auth takes no value/)]);
  });

  it('refuses a password minimum above the maximum', () => {
    expect(errors(['--auth-password-min', '40', '--auth-password-max', '20'])).toEqual([
      expect.stringMatching(/--auth-password-min.*--auth-password-max/),
    ]);
  });

  it('refuses a flag without its value', () => {
    expect(errors(['--auth-app-url'])).toEqual([expect.stringMatching(/^--auth-app-url needs a value/)]);
    expect(errors(['--auth-locale', '--auth-harness'])).toEqual([
      expect.stringMatching(/^--auth-locale needs a value/),
    ]);
  });

  it('never echoes the SMTP password of an unusable --auth-smtp-url', () => {
    for (const url of [
      'http://mailer:hunter2-secret@mail.example',
      'smtp://mailer:hunter2-secret@',
      'smtp://mailer:hunter2-secret@mail example',
    ]) {
      const fromFlag = errors(['--auth-smtp-url', url]);
      expect(fromFlag, url).toEqual([expect.stringMatching(/^--auth-smtp-url/)]);
      expect(fromFlag[0], url).not.toContain('hunter2-secret');
      expect(errors([], { CATCHALL_AUTH_SMTP_URL: url })[0], url).not.toContain('hunter2-secret');
    }
  });
});

describe('auth refusals that protect production', () => {
  it('refuses --auth-harness with NODE_ENV=production, by flag or variable', () => {
    expect(errors(['--auth-harness'], { NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/--auth-harness.*NODE_ENV=production/),
    ]);
    expect(errors([], { NODE_ENV: 'production', CATCHALL_AUTH_HARNESS: 'true' })).toEqual([
      expect.stringMatching(/--auth-harness.*NODE_ENV=production/),
    ]);
    expect(config([], { NODE_ENV: 'production' }).auth.harness).toBe(false);
    expect(config(['--auth-harness'], { NODE_ENV: 'development' }).auth.harness).toBe(true);
  });

  it('refuses a scrypt cost below 2^17 without --auth-harness', () => {
    expect(errors(['--auth-scrypt-ln', '10'])).toEqual([
      expect.stringMatching(/^--auth-scrypt-ln.*--auth-harness/),
    ]);
    expect(errors([], { CATCHALL_AUTH_SCRYPT_LN: '16' })).toEqual([
      expect.stringMatching(/--auth-scrypt-ln.*--auth-harness/),
    ]);
    expect(config(['--auth-scrypt-ln', '10', '--auth-harness']).auth.scryptLn).toBe(10);
  });

  it('CLI: exits 2 on --auth-harness with NODE_ENV=production and on a cheap scrypt', async () => {
    const harness = ChildCatchall.spawn(
      ['--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0', '--auth-harness'],
      {
        NODE_ENV: 'production',
      },
    );
    const cheap = ChildCatchall.spawn([
      '--smtp',
      '127.0.0.1:0',
      '--listen',
      '127.0.0.1:0',
      '--auth-scrypt-ln',
      '10',
    ]);
    try {
      expect(await harness.waitForExit()).toEqual({ code: 2, signal: null });
      expect(harness.stdout).not.toMatch(/listening/);
      expect(harness.stderr).toMatch(/--auth-harness is refused when NODE_ENV=production/);
      expect(await cheap.waitForExit()).toEqual({ code: 2, signal: null });
      expect(cheap.stderr).toMatch(/--auth-scrypt-ln below 17 is only allowed with --auth-harness/);
    } finally {
      await Promise.all([harness.kill(), cheap.kill()]);
    }
  }, 30_000);
});

describe('--auth-smtp-url', () => {
  let relay: TestApp;
  let folder: string;
  let caFile: string;
  const relayUrl = () => `smtp://mailer:relay-pass@127.0.0.1:${relay.smtpPort}`;

  /** The newest message to `email` in the relay's inbox, waiting up to 5 s. */
  async function relayed(email: string) {
    const query = encodeURIComponent(`to:"${email}"`);
    const found = await relay.http(`api/v1/message/latest/extract?query=${query}&wait=5s`);
    expect(found.status).toBe(200);
    const { ID, Codes } = (await found.json()) as { ID: string; Codes: { Value: string }[] };
    const message = (await (await relay.http(`api/v1/message/${ID}`)).json()) as {
      From: { Address: string };
      To: { Address: string }[];
    };
    return { ...message, code: Codes[0]?.Value ?? null };
  }

  beforeAll(async () => {
    relay = await startTestApp([]);
    // The relay's self-signed STARTTLS certificate, for a sender that is told to trust it.
    folder = mkdtempSync(path.join(os.tmpdir(), 'catchall-relay-ca-'));
    caFile = path.join(folder, 'relay.pem');
    writeFileSync(caFile, relay.tlsCertificate);
  });
  afterAll(async () => {
    await relay?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('sends auth mail through that server (STARTTLS with a verified certificate), not the embedded sink', async () => {
    const child = await ChildCatchall.start(['--auth-smtp-url', relayUrl()], { NODE_EXTRA_CA_CERTS: caFile });
    try {
      const email = 'relayed@example.com';
      const res = await childFetch(child, 'auth/login/code', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email }),
      });
      expect(res.status).toBe(202);
      const message = await relayed(email);
      expect(message.From.Address).toBe('no-reply@catchall.localhost');
      expect(message.To.map((t) => t.Address)).toEqual([email]);
      const own = await childFetch(child, `api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}`);
      expect(((await own.json()) as { messages_count: number }).messages_count).toBe(0);
    } finally {
      await child.kill();
    }
  }, 30_000);

  it('verifies the relay certificate: an untrusted one is a 503 naming no host, port or password', async () => {
    const app = await startAuthApp(['--auth-smtp-url', relayUrl()]);
    try {
      const email = 'untrusted@example.com';
      const res = await app.post('login/code', { email }, app.freshIp());
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'email_delivery_failed' });
      const text = JSON.stringify(res.body);
      for (const secret of ['relay-pass', 'mailer', '127.0.0.1', String(relay.smtpPort)]) {
        expect(text).not.toContain(secret);
      }
      expect(await app.mailCount(email)).toBe(0);
      const search = await relay.http(`api/v1/search?query=${encodeURIComponent(`to:"${email}"`)}`);
      expect(((await search.json()) as { messages_count: number }).messages_count).toBe(0);
    } finally {
      await app.stop();
    }
  });
});
