import type { AuthEvent, AuthEventType, Counter } from '../auth/auth-types.ts';
import type { Db } from './store-open.ts';

/** Rolling-window hits older than this are pruned: the longest window in the spec is 24 h. */
const HIT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** The audit trail keeps the newest events only; enough for any test run. */
const MAX_EVENTS = 10_000;

/** Rate-limit state (rolling hits, consecutive counters, token buckets) and the audit trail. */
export class AuthLimitRows {
  private readonly db: Db;
  private readonly countSince;
  private readonly oldestSince;
  private readonly newestHit;
  private readonly insertHit;
  private readonly counterRow;
  private readonly upsertCounter;
  private readonly bucketRow;
  private readonly upsertBucket;
  private readonly insertEvent;
  private inserts = 0;

  constructor(db: Db) {
    this.db = db;
    this.countSince = db.prepare<[string, string, number], { n: number }>(
      'SELECT count(*) AS n FROM auth_hits WHERE scope = ? AND key = ? AND at > ?',
    );
    this.oldestSince = db.prepare<[string, string, number], { at: number }>(
      'SELECT min(at) AS at FROM auth_hits WHERE scope = ? AND key = ? AND at > ?',
    );
    this.newestHit = db.prepare<[string, string], { at: number | null }>(
      'SELECT max(at) AS at FROM auth_hits WHERE scope = ? AND key = ?',
    );
    this.insertHit = db.prepare('INSERT INTO auth_hits (scope, key, at) VALUES (?, ?, ?)');
    this.counterRow = db.prepare<[string, string], { count: number; last_at: number; blocked_until: number }>(
      'SELECT count, last_at, blocked_until FROM auth_counters WHERE scope = ? AND key = ?',
    );
    this.upsertCounter = db.prepare(
      `INSERT INTO auth_counters (scope, key, count, last_at, blocked_until) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET count = excluded.count, last_at = excluded.last_at,
         blocked_until = excluded.blocked_until`,
    );
    this.bucketRow = db.prepare<[string], { tokens: number; updated_at: number }>(
      'SELECT tokens, updated_at FROM auth_buckets WHERE key = ?',
    );
    this.upsertBucket = db.prepare(
      `INSERT INTO auth_buckets (key, tokens, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at`,
    );
    this.insertEvent = db.prepare(
      'INSERT INTO auth_events (at, type, email_key, ip, detail) VALUES (?, ?, ?, ?, ?)',
    );
  }

  /** Hits in (since, now]. */
  count(scope: string, key: string, since: number): number {
    return this.countSince.get(scope, key, since)?.n ?? 0;
  }

  /** The oldest hit after `since` (when the window frees a slot), or null. */
  oldest(scope: string, key: string, since: number): number | null {
    return this.oldestSince.get(scope, key, since)?.at ?? null;
  }

  newest(scope: string, key: string): number | null {
    return this.newestHit.get(scope, key)?.at ?? null;
  }

  /** Records a hit; returns its id so a reservation can be released. */
  hit(scope: string, key: string, at: number): number {
    if (++this.inserts % 1000 === 0) {
      this.db.prepare('DELETE FROM auth_hits WHERE at < ?').run(at - HIT_RETENTION_MS);
    }
    return Number(this.insertHit.run(scope, key, at).lastInsertRowid);
  }

  releaseHits(ids: readonly number[]): void {
    const remove = this.db.prepare('DELETE FROM auth_hits WHERE id = ?');
    for (const id of ids) remove.run(id);
  }

  counter(scope: string, key: string): Counter {
    const row = this.counterRow.get(scope, key);
    return row
      ? { count: row.count, lastAt: row.last_at, blockedUntil: row.blocked_until }
      : { count: 0, lastAt: 0, blockedUntil: 0 };
  }

  setCounter(scope: string, key: string, counter: Counter): void {
    this.upsertCounter.run(scope, key, counter.count, counter.lastAt, counter.blockedUntil);
  }

  clearCounter(scope: string, key: string): void {
    this.db.prepare('DELETE FROM auth_counters WHERE scope = ? AND key = ?').run(scope, key);
  }

  bucket(key: string): { tokens: number; updatedAt: number } | null {
    const row = this.bucketRow.get(key);
    return row ? { tokens: row.tokens, updatedAt: row.updated_at } : null;
  }

  setBucket(key: string, tokens: number, at: number): void {
    this.upsertBucket.run(key, tokens, at);
  }

  record(event: Omit<AuthEvent, 'id'>): void {
    const { lastInsertRowid } = this.insertEvent.run(
      event.at,
      event.type,
      event.emailKey,
      event.ip,
      event.detail,
    );
    if (Number(lastInsertRowid) % 1000 === 0) {
      this.db.prepare('DELETE FROM auth_events WHERE id <= ?').run(Number(lastInsertRowid) - MAX_EVENTS);
    }
  }

  events(afterId: number, limit: number): AuthEvent[] {
    return this.db
      .prepare<
        [number, number],
        {
          id: number;
          at: number;
          type: AuthEventType;
          email_key: string | null;
          ip: string | null;
          detail: string | null;
        }
      >('SELECT * FROM auth_events WHERE id > ? ORDER BY id LIMIT ?')
      .all(afterId, limit)
      .map((r) => ({ id: r.id, at: r.at, type: r.type, emailKey: r.email_key, ip: r.ip, detail: r.detail }));
  }
}
