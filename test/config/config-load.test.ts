import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, VERSION, type ReadText } from '../../src/config/config-load.ts';
import { OPTIONS } from '../../src/config/config-options.ts';
import type { Config } from '../../src/config/config-types.ts';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

/** A file system of the given files (relative names resolve against the working directory). */
function files(contents: Record<string, string>): ReadText {
  const byPath = new Map(Object.entries(contents).map(([name, text]) => [path.resolve(name), text]));
  return (file) => {
    const text = byPath.get(file);
    if (text !== undefined) return text;
    throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
  };
}

const noFiles = files({});

function config(argv: string[], env: Record<string, string> = {}, readText: ReadText = noFiles): Config {
  const result = loadConfig(argv, env, readText);
  if (result.kind !== 'config') throw new Error(`expected a config, got ${JSON.stringify(result)}`);
  return result.config;
}

function errors(argv: string[], env: Record<string, string> = {}, readText: ReadText = noFiles): string[] {
  const result = loadConfig(argv, env, readText);
  if (result.kind !== 'errors') throw new Error(`expected errors, got ${JSON.stringify(result)}`);
  return [...result.errors];
}

describe('loadConfig defaults', () => {
  it('listens on the Mailpit ports on loopback with the documented limits', () => {
    const c = config([]);
    expect(c.smtp.listen).toEqual({ host: '127.0.0.1', port: 1025 });
    expect(c.http.listen).toEqual({ host: '127.0.0.1', port: 8025 });
    expect(c.storage.maxMessages).toBe(10_000);
    expect(c.smtp.maxMessageBytes).toBe(50 * 1024 * 1024);
    expect(c.smtp.maxRecipients).toBe(100);
  });

  it('uses a temporary database, generated TLS, open AUTH and normal logging', () => {
    const c = config([]);
    expect(c.storage.database).toBeNull();
    expect(c.smtp.tls).toBeNull();
    expect(c.smtp.credentials).toBeNull();
    expect(c.smtp.smtps).toBeNull();
    expect(c.smtp.requireStarttls).toBe(false);
    expect(c.smtp.requireTls).toBe(false);
    expect(c.smtp.hostname).toBe('localhost');
    expect(c.smtp.idleTimeoutMs).toBe(60_000);
    expect(c.smtp.commandTimeoutMs).toBe(300_000);
    expect(c.http.webroot).toBe('/');
    expect(c.storage.parseWorkers).toBe(1);
    expect(c.logLevel).toBe('normal');
  });

  it('ignores environment variables that are empty or not its own', () => {
    const c = config([], { CATCHALL_MAX: '', CATCHALL_SMTP: '', MAX: '5', CATCHALL_NOT_AN_OPTION: 'x' });
    expect(c.storage.maxMessages).toBe(10_000);
    expect(c.smtp.listen.port).toBe(1025);
  });
});

describe('loadConfig sources', () => {
  it('reads every setting from its CATCHALL_* environment variable', () => {
    const c = config([], {
      CATCHALL_SMTP: '0.0.0.0:2525',
      CATCHALL_LISTEN: '0.0.0.0:8080',
      CATCHALL_MAX: '7',
      CATCHALL_MAX_MESSAGE_SIZE: '2',
      CATCHALL_SMTP_MAX_RECIPIENTS: '3',
      CATCHALL_DATABASE: 'data/mail.db',
      CATCHALL_SMTP_HOSTNAME: 'mx.example.test',
      CATCHALL_WEBROOT: 'mail',
    });
    expect(c.smtp.listen).toEqual({ host: '0.0.0.0', port: 2525 });
    expect(c.http.listen).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(c.storage.maxMessages).toBe(7);
    expect(c.smtp.maxMessageBytes).toBe(2 * 1024 * 1024);
    expect(c.smtp.maxRecipients).toBe(3);
    expect(c.storage.database).toBe(path.resolve('data/mail.db'));
    expect(c.smtp.hostname).toBe('mx.example.test');
    expect(c.http.webroot).toBe('/mail/');
  });

  it('lets a flag win over its environment variable, and keeps env for the others', () => {
    const c = config(['--max', '9', '--listen=127.0.0.1:9000'], {
      CATCHALL_MAX: '7',
      CATCHALL_LISTEN: '0.0.0.0:8080',
      CATCHALL_SMTP: '127.0.0.1:2525',
    });
    expect(c.storage.maxMessages).toBe(9);
    expect(c.http.listen).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(c.smtp.listen).toEqual({ host: '127.0.0.1', port: 2525 });
  });

  it('does not report a bad environment value that a flag overrides', () => {
    expect(config(['--max', '9'], { CATCHALL_MAX: 'lots' }).storage.maxMessages).toBe(9);
  });

  it('reports a bad environment value that is used', () => {
    const problems = errors([], { CATCHALL_MAX: 'lots' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/max/i);
    expect(problems[0]).toContain('"lots" is not a whole number');
  });

  it('accepts "--x=value" and "--x value" alike', () => {
    const joined = config(['--smtp=0.0.0.0:2525', '--max=12', '--database=/tmp/a=b.db']);
    const split = config(['--smtp', '0.0.0.0:2525', '--max', '12', '--database', '/tmp/a=b.db']);
    expect(joined).toEqual(split);
    expect(joined.smtp.listen).toEqual({ host: '0.0.0.0', port: 2525 });
    expect(joined.storage.maxMessages).toBe(12);
    // Only the first "=" separates the value.
    expect(joined.storage.database).toBe(path.resolve('/tmp/a=b.db'));
  });

  it('takes the last of a repeated flag', () => {
    expect(config(['--max', '1', '--max', '2']).storage.maxMessages).toBe(2);
  });

  it('resolves a relative --database against the working directory', () => {
    expect(config(['--database', 'mail.db']).storage.database).toBe(path.join(process.cwd(), 'mail.db'));
  });

  it('reads durations with units, a bare number being seconds', () => {
    const c = config(['--smtp-idle-timeout', '1500ms', '--smtp-command-timeout', '5m']);
    expect(c.smtp.idleTimeoutMs).toBe(1500);
    expect(c.smtp.commandTimeoutMs).toBe(300_000);
    expect(config(['--smtp-idle-timeout', '90']).smtp.idleTimeoutMs).toBe(90_000);
  });

  it('treats --max-message-size 0 and --max 0 as unlimited', () => {
    const c = config(['--max-message-size', '0', '--max', '0']);
    expect(c.smtp.maxMessageBytes).toBe(0);
    expect(c.storage.maxMessages).toBe(0);
  });
});

describe('loadConfig boolean options', () => {
  it.each([
    [['--verbose'], 'verbose'],
    [['--verbose=true'], 'verbose'],
    [['--verbose=1'], 'verbose'],
    [['--verbose=false'], 'normal'],
    [['--verbose=0'], 'normal'],
    [['--no-verbose'], 'normal'],
    [['--verbose', '--no-verbose'], 'normal'],
    [['--no-verbose', '--verbose'], 'verbose'],
    [['--quiet'], 'quiet'],
  ])('%j gives log level %s', (argv, level) => {
    expect(config(argv).logLevel).toBe(level);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['TRUE', true],
    ['false', false],
    ['0', false],
  ])('reads CATCHALL_SMTP_REQUIRE_STARTTLS=%s as %s', (value, expected) => {
    expect(config([], { CATCHALL_SMTP_REQUIRE_STARTTLS: value }).smtp.requireStarttls).toBe(expected);
  });

  it('lets --no-x win over an environment variable that turns x on', () => {
    expect(config(['--no-verbose'], { CATCHALL_VERBOSE: 'true' }).logLevel).toBe('normal');
    expect(config(['--verbose'], { CATCHALL_VERBOSE: 'false' }).logLevel).toBe('verbose');
  });

  it('rejects a boolean that is neither true nor false, naming where it came from', () => {
    expect(errors(['--verbose=maybe'])).toEqual([
      expect.stringMatching(/^--verbose: "maybe" is not a boolean/),
    ]);
    expect(errors([], { CATCHALL_QUIET: 'maybe' })).toEqual([
      expect.stringMatching(/^CATCHALL_QUIET: "maybe" is not a boolean/),
    ]);
  });

  it('rejects a value on --no-x, and --no-x for an option that takes a value', () => {
    expect(errors(['--no-verbose=true'])).toEqual(['--no-verbose takes no value']);
    expect(errors(['--no-max'])).toEqual([expect.stringContaining('--no-max is not an option')]);
  });

  it('does not take the next argument as the value of a boolean', () => {
    expect(errors(['--verbose', 'true'])).toEqual([expect.stringContaining('unexpected argument "true"')]);
  });
});

describe('loadConfig --help and --version', () => {
  it.each([['--help'], ['-h']])('%s returns the help text', (flag) => {
    const result = loadConfig(['--smtp', '127.0.0.1:0', flag], {});
    expect(result.kind).toBe('help');
    if (result.kind !== 'help') return;
    expect(result.text).toContain(`catchall ${VERSION}`);
    expect(result.text).toContain('Usage: catchall [options]');
  });

  it.each([['--version'], ['-V']])('%s returns the version', (flag) => {
    expect(loadConfig([flag], {})).toEqual({ kind: 'version', text: `catchall ${VERSION}` });
  });

  it('lists every option of the table with its value, default and environment variable', () => {
    const result = loadConfig(['--help'], {});
    if (result.kind !== 'help') throw new Error('no help');
    const lines = result.text.split('\n');
    expect(OPTIONS.length).toBeGreaterThan(10);
    for (const option of OPTIONS) {
      const label = option.boolean ? `--${option.name}` : `--${option.name} ${option.value ?? 'VALUE'}`;
      const line = lines.find((l) => l.trimStart().startsWith(`${label} `));
      expect(line, `help line for --${option.name}`).toBeDefined();
      expect(line).toContain(`(${option.env})`);
      expect(line).toContain(`[default: ${option.defaultText}]`);
      expect(line).toContain(option.help);
    }
    expect(result.text).toMatch(/--help, -h/);
    expect(result.text).toMatch(/--version, -V/);
  });

  it('names every environment variable after its flag', () => {
    for (const option of OPTIONS) {
      expect(option.env).toBe(`CATCHALL_${option.name.toUpperCase().replaceAll('-', '_')}`);
    }
  });
});

describe('loadConfig addresses', () => {
  it('takes port 0 to mean "pick a free port"', () => {
    const c = config(['--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0']);
    expect(c.smtp.listen).toEqual({ host: '127.0.0.1', port: 0 });
    expect(c.http.listen).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('takes a bare port to mean loopback', () => {
    expect(config(['--smtp', '2525']).smtp.listen).toEqual({ host: '127.0.0.1', port: 2525 });
    expect(config(['--listen', '0']).http.listen).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('takes a bracketed IPv6 address', () => {
    expect(config(['--smtp', '[::1]:0']).smtp.listen).toEqual({ host: '::1', port: 0 });
    expect(config(['--smtps', '[::]:465']).smtp.smtps).toEqual({ host: '::', port: 465 });
  });

  it('takes a host name', () => {
    expect(config(['--listen', 'localhost:8025']).http.listen).toEqual({ host: 'localhost', port: 8025 });
  });

  it.each([
    'nope',
    '127.0.0.1:',
    '127.0.0.1:65536',
    '127.0.0.1:-1',
    '127.0.0.1:http',
    'bad host:25',
    '[not-ipv6]:25',
    ':25',
  ])('rejects the address %j', (address) => {
    expect(errors(['--smtp', address])).toEqual([expect.stringMatching(/^--smtp: ".*" is not an address/)]);
  });
});

describe('loadConfig invalid input', () => {
  it('rejects an unknown option and a stray argument', () => {
    expect(errors(['--smpt', '127.0.0.1:0'])).toEqual([
      expect.stringContaining('unknown option --smpt'),
      expect.stringContaining('unexpected argument "127.0.0.1:0"'),
    ]);
  });

  it('rejects an option that needs a value but has none', () => {
    expect(errors(['--max'])).toEqual([expect.stringContaining('--max needs a value')]);
    expect(errors(['--database', '--max', '5'])).toEqual([
      expect.stringContaining('--database needs a value'),
    ]);
  });

  it.each([
    ['--max', 'many', /^--max: "many" is not a whole number/],
    ['--max', '1.5', /^--max: "1.5" is not a whole number/],
    ['--max', '-1', /^--max: -1 is out of range/],
    ['--max-message-size', '10001', /^--max-message-size: 10001 is out of range/],
    ['--smtp-max-recipients', '0', /^--smtp-max-recipients: 0 is out of range/],
    ['--parse-workers', '17', /^--parse-workers: 17 is out of range/],
    ['--smtp-idle-timeout', 'soon', /^--smtp-idle-timeout: "soon" is not a duration/],
    ['--smtp-idle-timeout', '0s', /^--smtp-idle-timeout: "0s" is out of range/],
    ['--smtp-hostname', 'bad name', /^--smtp-hostname: "bad name" is not a host name/],
    ['--webroot', '../up', /^--webroot: "..\/up" is not a URL path/],
  ])('rejects %s %s', (flag, value, message) => {
    expect(errors([flag, value])).toEqual([expect.stringMatching(message)]);
  });

  it('reports a certificate or key file that cannot be read, with its path and reason', () => {
    const problems = errors(['--smtp-tls-cert', 'missing.crt', '--smtp-tls-key', 'missing.key']);
    expect(problems).toEqual([
      `--smtp-tls-cert: cannot read ${path.resolve('missing.crt')} (ENOENT)`,
      `--smtp-tls-key: cannot read ${path.resolve('missing.key')} (ENOENT)`,
    ]);
  });

  it('reads certificate and key through the real file system by default', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-config-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    writeFileSync(cert, CERT);
    writeFileSync(key, KEY);
    const result = loadConfig(['--smtp-tls-cert', cert, '--smtp-tls-key', key], {});
    expect(result.kind).toBe('config');
    if (result.kind === 'config')
      expect(result.config.smtp.tls).toEqual({ cert: CERT, key: KEY, certPath: cert, keyPath: key });
    const missing = loadConfig(['--smtp-tls-cert', cert, '--smtp-tls-key', path.join(dir, 'nope.pem')], {});
    expect(missing).toEqual({
      kind: 'errors',
      errors: [`--smtp-tls-key: cannot read ${path.join(dir, 'nope.pem')} (ENOENT)`],
    });
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects files that are not PEM certificate and key', () => {
    const read = files({ 'c.pem': KEY, 'k.pem': 'hello' });
    expect(errors(['--smtp-tls-cert', 'c.pem', '--smtp-tls-key', 'k.pem'], {}, read)).toEqual([
      `--smtp-tls-cert: ${path.resolve('c.pem')} is not a PEM certificate`,
      `--smtp-tls-key: ${path.resolve('k.pem')} is not a PEM private key`,
    ]);
  });

  it('accepts an EC or RSA private key', () => {
    const ec = KEY.replaceAll('PRIVATE KEY', 'EC PRIVATE KEY');
    const read = files({ 'c.pem': CERT, 'k.pem': ec });
    expect(config(['--smtp-tls-cert', 'c.pem', '--smtp-tls-key', 'k.pem'], {}, read).smtp.tls?.key).toBe(ec);
  });

  it('requires certificate and key together', () => {
    const read = files({ 'c.pem': CERT, 'k.pem': KEY });
    const together = /--smtp-tls-cert and --smtp-tls-key must be given together/;
    expect(errors(['--smtp-tls-cert', 'c.pem'], {}, read)).toEqual([expect.stringMatching(together)]);
    expect(errors(['--smtp-tls-key', 'k.pem'], {}, read)).toEqual([expect.stringMatching(together)]);
  });

  it('reports an auth file that cannot be read', () => {
    expect(errors(['--smtp-auth-file', 'users.txt'])).toEqual([
      `--smtp-auth-file: cannot read ${path.resolve('users.txt')} (ENOENT)`,
    ]);
  });

  it('refuses an auth file together with --smtp-auth-accept-any, from flags or env', () => {
    const read = files({ users: 'ann:pw\n' });
    const conflict = '--smtp-auth-file and --smtp-auth-accept-any cannot be used together';
    expect(errors(['--smtp-auth-file', 'users', '--smtp-auth-accept-any'], {}, read)).toEqual([conflict]);
    expect(
      errors([], { CATCHALL_SMTP_AUTH_FILE: 'users', CATCHALL_SMTP_AUTH_ACCEPT_ANY: '1' }, read),
    ).toEqual([conflict]);
    expect(
      config(['--smtp-auth-file', 'users', '--no-smtp-auth-accept-any'], {}, read).smtp.credentials,
    ).toEqual(new Map([['ann', 'pw']]));
  });

  it('refuses --smtp-require-starttls with --smtp-require-tls', () => {
    expect(errors(['--smtp-require-starttls', '--smtp-require-tls'])).toEqual([
      expect.stringContaining('--smtp-require-starttls and --smtp-require-tls cannot be used together'),
    ]);
  });

  it('refuses --verbose with --quiet', () => {
    expect(errors(['--verbose', '--quiet'])).toEqual(['--verbose and --quiet cannot be used together']);
  });

  it('reports every problem at once, from flags, environment and files', () => {
    const read = files({ users: 'ann:pw\nbroken line\n' });
    const problems = errors(
      [
        '--bogus',
        'stray',
        '--smtp',
        'nope',
        '--listen',
        '127.0.0.1:70000',
        '--max',
        'lots',
        '--max-message-size',
        '-5',
        '--smtp-tls-cert',
        'missing.pem',
        '--smtp-auth-file',
        'users',
        '--smtp-auth-accept-any',
        '--smtp-require-starttls',
        '--smtp-require-tls',
        '--verbose',
        '--quiet',
      ],
      { CATCHALL_SMTP_MAX_RECIPIENTS: '0', CATCHALL_VERBOSE: 'perhaps' },
      read,
    );
    const expected = [
      /unknown option --bogus/,
      /unexpected argument "stray"/,
      /^--smtp: "nope" is not an address/,
      /^--listen: "127\.0\.0\.1:70000" is not an address/,
      /^--max: "lots" is not a whole number/,
      /^--max-message-size: -5 is out of range/,
      /--smtp-tls-cert and --smtp-tls-key must be given together/,
      /^--smtp-auth-file .*users: line 2 is not "user:password"/,
      /--smtp-auth-file and --smtp-auth-accept-any cannot be used together/,
      /--smtp-require-starttls and --smtp-require-tls cannot be used together/,
      /--verbose and --quiet cannot be used together/,
      /^CATCHALL_SMTP_MAX_RECIPIENTS: 0 is out of range/,
      /^CATCHALL_VERBOSE: "perhaps" is not a boolean/,
    ];
    for (const pattern of expected) {
      expect(problems, `a problem matching ${pattern}`).toContainEqual(expect.stringMatching(pattern));
    }
    expect(problems).toHaveLength(expected.length);
  });
});

describe('loadConfig fixes from review', () => {
  it('rejects an empty value for an option that takes one', () => {
    expect(errors(['--database='])).toEqual(['--database needs a value (PATH)']);
    expect(errors(['--database', ''])).toEqual(['--database needs a value (PATH)']);
  });

  it('names the environment variable when its value is bad', () => {
    expect(errors([], { CATCHALL_MAX: 'lots' })).toEqual(['CATCHALL_MAX: "lots" is not a whole number']);
  });

  it('lets a flag win over the environment across options that exclude each other', () => {
    expect(config(['--quiet'], { CATCHALL_VERBOSE: 'true' }).logLevel).toBe('quiet');
    expect(config(['--smtp-require-tls'], { CATCHALL_SMTP_REQUIRE_STARTTLS: '1' }).smtp.requireStarttls).toBe(
      false,
    );
  });

  it('turns AUTH before STARTTLS off with --no-smtp-auth-allow-insecure, and with --smtp-require-starttls', () => {
    expect(config([]).smtp.allowInsecureAuth).toBe(true);
    expect(config(['--no-smtp-auth-allow-insecure']).smtp.allowInsecureAuth).toBe(false);
    expect(config(['--smtp-require-starttls']).smtp.allowInsecureAuth).toBe(false);
  });

  it('refuses --no-smtp-auth-accept-any without an auth file', () => {
    expect(errors(['--no-smtp-auth-accept-any'])).toEqual([
      '--no-smtp-auth-accept-any needs --smtp-auth-file, which then lists who may log in',
    ]);
  });
});

describe('loadConfig hashed passwords', () => {
  it.each(['$2y$10$abcdefghijklmnopqrstuv', '$apr1$x$y', '{SHA}abc='])(
    'refuses a hashed password (%s)',
    (hash) => {
      const read = files({ users: `ann:${hash}\n` });
      const problems = errors(['--ui-auth-file', 'users'], {}, read);
      expect(problems).toEqual([expect.stringMatching(/line 1 holds a password hash/)]);
    },
  );
});

describe('loadConfig auth file', () => {
  const load = (content: string) => loadConfig(['--smtp-auth-file', 'users'], {}, files({ users: content }));

  it('ignores comments and blank lines, and keeps colons in passwords', () => {
    const result = load(
      '# users for the demo\n\nann:s3cret:with:colons\r\n   \n  # indented comment\nbob:hunter2\n',
    );
    expect(result.kind).toBe('config');
    if (result.kind !== 'config') return;
    expect(result.config.smtp.credentials).toEqual(
      new Map([
        ['ann', 's3cret:with:colons'],
        ['bob', 'hunter2'],
      ]),
    );
  });

  it('names the malformed line by its number', () => {
    expect(load('# header\nann:pw\n\nno-colon-here\n')).toEqual({
      kind: 'errors',
      errors: [`--smtp-auth-file ${path.resolve('users')}: line 4 is not "user:password"`],
    });
    expect(load(':password-without-user\n')).toEqual({
      kind: 'errors',
      errors: [`--smtp-auth-file ${path.resolve('users')}: line 1 is not "user:password"`],
    });
  });

  it('rejects a file with no credentials at all', () => {
    expect(load('# nobody yet\n\n')).toEqual({
      kind: 'errors',
      errors: [`--smtp-auth-file ${path.resolve('users')}: no "user:password" lines`],
    });
  });
});

describe('loadConfig result', () => {
  it('is deeply frozen', () => {
    const read = files({ 'c.pem': CERT, 'k.pem': KEY, users: 'ann:pw\n' });
    const c = config(
      ['--smtp-tls-cert', 'c.pem', '--smtp-tls-key', 'k.pem', '--smtp-auth-file', 'users', '--smtps', '0'],
      {},
      read,
    );
    for (const part of [
      c,
      c.smtp,
      c.smtp.listen,
      c.smtp.smtps,
      c.smtp.tls,
      c.http,
      c.http.listen,
      c.storage,
    ]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (c.storage as { maxMessages: number }).maxMessages = 1;
    }).toThrow(TypeError);
    expect(() => {
      (c.smtp.listen as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(c.storage.maxMessages).toBe(10_000);
  });

  it('is a new object on every call', () => {
    const first = config(['--max', '1']);
    const second = config(['--max', '2']);
    expect(first.storage.maxMessages).toBe(1);
    expect(second.storage.maxMessages).toBe(2);
  });
});
