import type { Db } from './store-open.ts';
import { openWriterConnection } from './store-open.ts';
import { AuthAccountRows } from './auth-account-rows.ts';
import { AuthSecretRows } from './auth-secret-rows.ts';
import { AuthLimitRows } from './auth-limit-rows.ts';

/**
 * The auth API's state in the product's SQLite file (migration 004). It has its own read-write
 * connection on the main thread, because specs/auth.md principle 4 wants every secret consumed
 * in one synchronous transaction (check, mark used, act): two requests can then never both use
 * one code. Auth traffic is a few requests per second; mail writes stay on the writer thread,
 * and WAL lets both connections take turns (busy_timeout 5 s).
 */
export class AuthStore {
  readonly accounts: AuthAccountRows;
  readonly secrets: AuthSecretRows;
  readonly limits: AuthLimitRows;
  private readonly db: Db;

  constructor(file: string, temporary: boolean) {
    this.db = openWriterConnection(file, temporary);
    this.accounts = new AuthAccountRows(this.db);
    this.secrets = new AuthSecretRows(this.db);
    this.limits = new AuthLimitRows(this.db);
  }

  /** Runs `fn` as one IMMEDIATE transaction; a throw rolls everything back. */
  atomic<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Harness reset: every auth table, in one transaction. */
  wipe(): void {
    this.atomic(() => {
      for (const table of [
        'auth_sessions',
        'auth_reset_tokens',
        'auth_codes',
        'auth_pending',
        'auth_users',
        'auth_hits',
        'auth_counters',
        'auth_buckets',
        'auth_events',
      ]) {
        this.db.prepare(`DELETE FROM ${table}`).run();
      }
    });
  }

  close(): void {
    this.db.close();
  }
}
