/** A listener address as bound: `port` 0 means "pick a free port". */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** PEM text of the SMTP certificate and key, read at config time so a bad file is a config error. */
export interface TlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface SmtpConfig {
  readonly listen: ListenAddress;
  /** Implicit-TLS listener (SMTPS), off when null. */
  readonly smtps: ListenAddress | null;
  /** Given certificate; null means generate a self-signed one. */
  readonly tls: TlsFiles | null;
  /** Credentials from --smtp-auth-file; null means any credentials are accepted and none required. */
  readonly credentials: ReadonlyMap<string, string> | null;
  readonly requireStarttls: boolean;
  /** Mailpit's --smtp-require-tls: the --smtp listener itself speaks implicit TLS. */
  readonly requireTls: boolean;
  /** AUTH before STARTTLS (on by default: workshops type AUTH LOGIN over plain TCP). */
  readonly allowInsecureAuth: boolean;
  readonly maxRecipients: number;
  /** 0 means unlimited. */
  readonly maxMessageBytes: number;
  readonly idleTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** Name in the greeting and EHLO reply. */
  readonly hostname: string;
  /** Fault injection through /api/v1/chaos (Mailpit's --enable-chaos). */
  readonly chaosEnabled: boolean;
}

export interface HttpConfig {
  readonly listen: ListenAddress;
  /** URL path prefix for UI and API, "/" or "/something/". */
  readonly webroot: string;
  /** Basic-auth users for UI, API and WebSocket (health probes stay open); null means open. */
  readonly credentials: ReadonlyMap<string, string> | null;
  /** Origins allowed to call the API cross-origin; ["*"] allows any. */
  readonly corsOrigins: readonly string[];
}

export interface StorageConfig {
  /** File path; null means a temporary database that is removed on exit. */
  readonly database: string | null;
  /** Keep at most this many messages (oldest pruned first); 0 is unlimited. */
  readonly maxMessages: number;
  /** Parser worker threads; 0 parses on the main thread. */
  readonly parseWorkers: number;
}

export type LogLevel = 'quiet' | 'normal' | 'verbose';

export interface Config {
  readonly smtp: SmtpConfig;
  readonly http: HttpConfig;
  readonly storage: StorageConfig;
  readonly logLevel: LogLevel;
}

/** What loadConfig returns: a config, a request for help/version, or every problem found. */
export type ConfigResult =
  | { readonly kind: 'config'; readonly config: Config }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version'; readonly text: string }
  | { readonly kind: 'errors'; readonly errors: readonly string[] };
