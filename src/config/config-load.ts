import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config, ConfigResult, ListenAddress, SmtpConfig, TlsFiles } from './config-types.ts';
import { OPTIONS, OPTIONS_BY_NAME } from './config-options.ts';
import { helpText } from './config-help.ts';
import {
  parseAddress,
  parseBoolean,
  parseDuration,
  parseInteger,
  parseWebroot,
  type Parsed,
} from './config-values.ts';
import { parseCredentials } from './config-credentials.ts';
import { buildAuthConfig } from './config-auth.ts';

export const VERSION = '0.1.0';

/**
 * The part of the process environment that embedded starts (catchall/client's startCatchall)
 * honour: NODE_ENV, so harness mode stays refused in production there too. CATCHALL_* settings
 * are left out on purpose: a test suite's options come from its code, not from the shell.
 */
export function embeddedEnvironment(): Record<string, string | undefined> {
  return { NODE_ENV: process.env.NODE_ENV };
}

/** Reads a file as text; injected so callers decide what "readable" means. */
export type ReadText = (file: string) => string;

/** A setting as given, and where: `--name` or the env var, so errors name what the user typed. */
interface RawValue {
  readonly value: string | boolean;
  readonly source: string;
}
type RawValues = Map<string, RawValue>;

/**
 * Options that exclude each other. When any of them is given as a flag, the environment's values
 * for the others are dropped: flags win over env for the whole group, not just option by option.
 */
const EXCLUSIVE_GROUPS: readonly (readonly string[])[] = [
  ['verbose', 'quiet'],
  ['smtp-require-starttls', 'smtp-require-tls'],
  ['smtp-auth-file', 'smtp-auth-accept-any'],
];

/**
 * Builds the typed, frozen Config from command-line arguments and environment variables
 * (flags win over env). Collects every problem instead of stopping at the first, so a user
 * fixes a broken command line in one go. Only this folder reads the environment.
 */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readText: ReadText = (file) => readFileSync(file, 'utf8'),
): ConfigResult {
  const errors: string[] = [];
  const fromArgs = parseArgv(argv, errors);
  if (fromArgs === 'help') return { kind: 'help', text: helpText(VERSION) };
  if (fromArgs === 'version') return { kind: 'version', text: `catchall ${VERSION}` };
  const raw = parseEnv(env, errors);
  for (const group of EXCLUSIVE_GROUPS) {
    if (group.some((name) => fromArgs.has(name))) for (const name of group) raw.delete(name);
  }
  for (const [name, value] of fromArgs) raw.set(name, value);

  const built = buildConfig(raw, readText, env.NODE_ENV, errors);
  if (errors.length > 0 || !built) return { kind: 'errors', errors };
  return { kind: 'config', config: deepFreeze(built) };
}

function parseArgv(argv: readonly string[], errors: string[]): RawValues | 'help' | 'version' {
  const raw: RawValues = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--version' || arg === '-V') return 'version';
    const match = /^--(no-)?([a-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) {
      errors.push(`unexpected argument "${arg}" (options start with --; see --help)`);
      continue;
    }
    const [, negated, name = '', inline] = match;
    const spec = OPTIONS_BY_NAME.get(name);
    if (!spec) {
      errors.push(`unknown option --${negated ?? ''}${name} (see --help)`);
      continue;
    }
    if (spec.boolean) {
      if (negated) {
        if (inline !== undefined) errors.push(`--no-${name} takes no value`);
        raw.set(name, { value: false, source: `--no-${name}` });
      } else if (inline !== undefined) {
        collect(parseBoolean(inline), `--${name}`, errors, (v) =>
          raw.set(name, { value: v, source: `--${name}` }),
        );
      } else {
        raw.set(name, { value: true, source: `--${name}` });
      }
      continue;
    }
    if (negated) {
      errors.push(`--no-${name} is not an option: --${name} takes a value`);
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (inline === undefined && value !== undefined && !value.startsWith('--')) i++;
    if (value === undefined || value.trim() === '' || (inline === undefined && value.startsWith('--'))) {
      errors.push(`--${name} needs a value (${spec.value ?? 'VALUE'})`);
      continue;
    }
    raw.set(name, { value, source: `--${name}` });
  }
  return raw;
}

function parseEnv(env: Readonly<Record<string, string | undefined>>, errors: string[]): RawValues {
  const raw: RawValues = new Map();
  for (const spec of OPTIONS) {
    const value = env[spec.env];
    if (value === undefined || value === '') continue;
    if (spec.boolean)
      collect(parseBoolean(value), spec.env, errors, (v) =>
        raw.set(spec.name, { value: v, source: spec.env }),
      );
    else raw.set(spec.name, { value, source: spec.env });
  }
  return raw;
}

function collect<T>(parsed: Parsed<T>, where: string, errors: string[], use: (value: T) => void): void {
  if (parsed.ok) use(parsed.value);
  else errors.push(`${where}: ${parsed.error}`);
}

function buildConfig(
  raw: RawValues,
  readText: ReadText,
  nodeEnv: string | undefined,
  errors: string[],
): Config | null {
  const text = (name: string, fallback: string): string => {
    const given = raw.get(name)?.value;
    return typeof given === 'string' ? given : fallback;
  };
  const flag = (name: string, fallback = false): boolean => {
    const given = raw.get(name)?.value;
    return typeof given === 'boolean' ? given : fallback;
  };
  const has = (name: string): boolean => typeof raw.get(name)?.value === 'string';
  function value<T>(name: string, fallback: T, parse: (s: string) => Parsed<T>): T {
    const given = raw.get(name);
    if (typeof given?.value !== 'string') return fallback;
    const parsed = parse(given.value);
    if (parsed.ok) return parsed.value;
    errors.push(`${given.source}: ${parsed.error}`);
    return fallback;
  }

  const smtpListen = value<ListenAddress>('smtp', { host: '127.0.0.1', port: 1025 }, parseAddress);
  const smtps = has('smtps') ? value<ListenAddress | null>('smtps', null, parseAddress) : null;
  const httpListen = value<ListenAddress>('listen', { host: '127.0.0.1', port: 8025 }, parseAddress);

  let tls: TlsFiles | null = null;
  if (has('smtp-tls-cert') !== has('smtp-tls-key')) {
    errors.push('--smtp-tls-cert and --smtp-tls-key must be given together');
  } else if (has('smtp-tls-cert')) {
    const certPath = path.resolve(text('smtp-tls-cert', ''));
    const keyPath = path.resolve(text('smtp-tls-key', ''));
    const cert = readPem(certPath, '--smtp-tls-cert', 'CERTIFICATE', readText, errors);
    const key = readPem(keyPath, '--smtp-tls-key', 'PRIVATE KEY', readText, errors);
    if (cert !== null && key !== null) tls = { cert, key, certPath, keyPath };
  }

  const readCredentials = (option: string): ReadonlyMap<string, string> | null => {
    if (!has(option)) return null;
    const file = path.resolve(text(option, ''));
    const content = readOrReport(file, `--${option}`, readText, errors);
    if (content === null) return null;
    const parsed = parseCredentials(content);
    if (parsed.ok) return parsed.value;
    errors.push(`--${option} ${file}: ${parsed.error}`);
    return null;
  };
  const credentials = readCredentials('smtp-auth-file');
  if (has('smtp-auth-file')) {
    if (flag('smtp-auth-accept-any')) {
      errors.push('--smtp-auth-file and --smtp-auth-accept-any cannot be used together');
    }
  } else if (!flag('smtp-auth-accept-any', true)) {
    errors.push('--no-smtp-auth-accept-any needs --smtp-auth-file, which then lists who may log in');
  }

  const requireStarttls = flag('smtp-require-starttls');
  const requireTls = flag('smtp-require-tls');
  if (requireStarttls && requireTls) {
    errors.push('--smtp-require-starttls and --smtp-require-tls cannot be used together (as in Mailpit)');
  }
  if (flag('verbose') && flag('quiet')) errors.push('--verbose and --quiet cannot be used together');

  const maxMessageMb = value('max-message-size', 50, (s) => parseInteger(s, 0, 10_000));
  const smtp: SmtpConfig = {
    listen: smtpListen,
    smtps,
    tls,
    credentials,
    requireStarttls,
    requireTls,
    allowInsecureAuth: flag('smtp-auth-allow-insecure', true) && !requireStarttls,
    maxRecipients: value('smtp-max-recipients', 100, (s) => parseInteger(s, 1, 100_000)),
    maxMessageBytes: maxMessageMb * 1024 * 1024,
    idleTimeoutMs: value('smtp-idle-timeout', 60_000, (s) => parseDuration(s, 86_400_000)),
    commandTimeoutMs: value('smtp-command-timeout', 300_000, (s) => parseDuration(s, 86_400_000)),
    hostname: value('smtp-hostname', 'localhost', parseHostname),
    chaosEnabled: flag('enable-chaos'),
  };

  const database = has('database') ? path.resolve(text('database', '')) : null;
  const auth = buildAuthConfig({ text, flag, has, value }, nodeEnv, errors);

  const config: Config = {
    smtp,
    http: {
      listen: httpListen,
      webroot: value('webroot', '/', parseWebroot),
      credentials: readCredentials('ui-auth-file'),
      corsOrigins: value('api-cors', [], parseOrigins),
    },
    storage: {
      database,
      maxMessages: value('max', 10_000, (s) => parseInteger(s, 0, Number.MAX_SAFE_INTEGER)),
      parseWorkers: value('parse-workers', 1, (s) => parseInteger(s, 0, 16)),
    },
    auth,
    logLevel: flag('verbose') ? 'verbose' : flag('quiet') ? 'quiet' : 'normal',
  };
  return errors.length > 0 ? null : config;
}

/** `*`, or origins like `https://app.example` (Mailpit also takes bare host names: `app.example`). */
function parseOrigins(s: string): Parsed<string[]> {
  const origins = s
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && !/^(https?:\/\/)?[A-Za-z0-9.-]+(:\d+)?$/.test(origin)) {
      return { ok: false, error: `"${origin}" is not an origin (e.g. http://localhost:3000, or *)` };
    }
  }
  return { ok: true, value: origins };
}

function parseHostname(s: string): Parsed<string> {
  return /^[A-Za-z0-9.-]{1,253}$/.test(s)
    ? { ok: true, value: s }
    : { ok: false, error: `"${s}" is not a host name` };
}

function readOrReport(file: string, option: string, readText: ReadText, errors: string[]): string | null {
  try {
    return readText(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    errors.push(`${option}: cannot read ${file} (${reason})`);
    return null;
  }
}

function readPem(
  file: string,
  option: string,
  label: string,
  readText: ReadText,
  errors: string[],
): string | null {
  const content = readOrReport(file, option, readText, errors);
  if (content === null) return null;
  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(content)) {
    errors.push(`${option}: ${file} is not a PEM ${label.toLowerCase()}`);
    return null;
  }
  return content;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
