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

/** Where auth mail goes when not to the embedded sink (--auth-smtp-url). */
export interface SmtpUrl {
  /** smtps: implicit TLS; smtp: STARTTLS when offered. */
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  readonly user: string | null;
  readonly password: string | null;
}

/** Limits and lifetimes of the auth API (specs/auth.md "Defaults"); times in ms. */
export interface AuthLimits {
  readonly codeLength: number;
  readonly codeTtlMs: number;
  readonly codeAttempts: number;
  readonly codeFailuresPerHour: number;
  readonly codeLockout: number;
  readonly resendCooldownMs: number;
  readonly forgotCooldownMs: number;
  readonly mailsPerDay: number;
  readonly ipMailBurst: number;
  readonly ipMailPerHour: number;
  readonly ipCodeChecks: number;
  readonly ipCodeWindowMs: number;
  readonly ipLoginFailures: number;
  readonly ipLoginBlockMs: number;
  readonly loginThrottleAfter: number;
  readonly loginThrottleWaitsMs: readonly number[];
  readonly loginLockout: number;
  readonly ipResetFailures: number;
  readonly ipResetWindowMs: number;
  readonly resetTtlMs: number;
  readonly sessionTtlMs: number;
  readonly sessionIdleMs: number;
  readonly passwordMin: number;
  readonly passwordMax: number;
  readonly maxBodyBytes: number;
  readonly smtpConnectTimeoutMs: number;
  readonly smtpGreetingTimeoutMs: number;
  readonly smtpSocketTimeoutMs: number;
}

export interface AuthConfig {
  readonly enabled: boolean;
  /** null: the embedded sink's own SMTP listener. */
  readonly smtpUrl: SmtpUrl | null;
  /** Base of links in mail, without a trailing "/"; null: <this server's HTTP URL>demo. */
  readonly appUrl: string | null;
  readonly mailFrom: string;
  readonly locale: 'en' | 'zh';
  readonly harness: boolean;
  /** Browser origins besides our own and the app URL's (CORS with credentials). */
  readonly allowedOrigins: readonly string[];
  readonly trustProxyHops: number;
  /** HMAC key for codes; null: generated (kept beside a persistent database). */
  readonly codeKey: string | null;
  /** scrypt cost log2(N): 17 by default; lower only in harness mode. */
  readonly scryptLn: number;
  readonly limits: AuthLimits;
}

export type LogLevel = 'quiet' | 'normal' | 'verbose';

export interface Config {
  readonly smtp: SmtpConfig;
  readonly http: HttpConfig;
  readonly storage: StorageConfig;
  readonly auth: AuthConfig;
  readonly logLevel: LogLevel;
}

/** What loadConfig returns: a config, a request for help/version, or every problem found. */
export type ConfigResult =
  | { readonly kind: 'config'; readonly config: Config }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version'; readonly text: string }
  | { readonly kind: 'errors'; readonly errors: readonly string[] };
