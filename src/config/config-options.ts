/**
 * The one option table: every setting has a flag and a CATCHALL_* environment variable (flags win).
 * Flag names follow Mailpit's where Mailpit has the same setting, so users can switch without
 * relearning (DESIGN.md §3.1). Help text and README are generated from / checked against this table.
 */
import { option } from './config-option-spec.ts';
import { AUTH_OPTIONS } from './config-auth-options.ts';

export type { OptionSpec } from './config-option-spec.ts';
import type { OptionSpec } from './config-option-spec.ts';

export const OPTIONS: readonly OptionSpec[] = [
  option(
    'smtp',
    'SMTP',
    '127.0.0.1:1025',
    'SMTP listener (STARTTLS offered); port 0 picks a free port',
    'ADDR',
  ),
  option('smtps', 'SMTP', 'off', 'also listen for implicit-TLS SMTP (SMTPS) on ADDR', 'ADDR'),
  option(
    'smtp-tls-cert',
    'SMTP',
    'generated',
    'PEM certificate for STARTTLS/SMTPS (needs --smtp-tls-key)',
    'FILE',
  ),
  option('smtp-tls-key', 'SMTP', 'generated', 'PEM private key for --smtp-tls-cert', 'FILE'),
  option(
    'smtp-auth-file',
    'SMTP',
    'none',
    'accept only these credentials (lines "user:password") and require AUTH',
    'FILE',
  ),
  option(
    'smtp-auth-accept-any',
    'SMTP',
    'true',
    'accept any credentials and none (the default; Mailpit flag)',
  ),
  option(
    'smtp-auth-allow-insecure',
    'SMTP',
    'true',
    'allow AUTH before STARTTLS; --no-smtp-auth-allow-insecure answers it with 538',
  ),
  option('smtp-require-starttls', 'SMTP', 'false', 'refuse MAIL and AUTH until the client has used STARTTLS'),
  option('smtp-require-tls', 'SMTP', 'false', 'the --smtp listener speaks implicit TLS only (as Mailpit)'),
  option('smtp-max-recipients', 'SMTP', '100', 'RCPT TO beyond this many get 452', 'N'),
  option(
    'max-message-size',
    'SMTP',
    '50',
    'largest message in MB; larger ones get 552 (0 = unlimited)',
    'MB',
  ),
  option(
    'smtp-idle-timeout',
    'SMTP',
    '60s',
    'close a connection that sends nothing for this long',
    'DURATION',
  ),
  option(
    'smtp-command-timeout',
    'SMTP',
    '5m',
    'close a connection that takes longer than this for one command or one DATA payload',
    'DURATION',
  ),
  option('smtp-hostname', 'SMTP', 'localhost', 'name in the SMTP greeting and EHLO reply', 'NAME'),
  option('listen', 'HTTP', '127.0.0.1:8025', 'HTTP listener for the web UI and API', 'ADDR'),
  option('webroot', 'HTTP', '/', 'serve the UI and API under this path prefix', 'PATH'),
  option(
    'ui-auth-file',
    'HTTP',
    'none',
    'require HTTP basic auth (lines "user:password") for the UI, API and WebSocket',
    'FILE',
  ),
  option(
    'api-cors',
    'HTTP',
    'none',
    'allow these origins (comma-separated, or *) to call the API from a browser',
    'ORIGINS',
  ),
  option('enable-chaos', 'SMTP', 'false', 'enable SMTP fault injection through /api/v1/chaos'),
  option(
    'database',
    'Storage',
    'temporary',
    'SQLite file kept across restarts (default: removed on exit)',
    'PATH',
  ),
  option('max', 'Storage', '10000', 'keep at most N messages, pruning the oldest (0 = unlimited)', 'N'),
  option(
    'parse-workers',
    'Storage',
    '1',
    'threads that parse messages of 1 MiB and more (0 = parse all on the main thread)',
    'N',
  ),
  ...AUTH_OPTIONS,
  option('verbose', 'General', 'false', 'log every SMTP session and message'),
  option('quiet', 'General', 'false', 'log errors only'),
];

export const OPTIONS_BY_NAME: ReadonlyMap<string, OptionSpec> = new Map(OPTIONS.map((o) => [o.name, o]));
