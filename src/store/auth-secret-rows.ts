import type { CodePurpose, CodeRecord, ResetTokenRecord, SessionRecord } from '../auth/auth-types.ts';
import type { Db } from './store-open.ts';

interface CodeRow {
  purpose: CodePurpose;
  subject: string;
  code_mac: Buffer | null;
  email_key: string;
  new_email: string | null;
  issued_at: number;
  expires_at: number;
  attempts: number;
  exhausted: number;
}

interface SessionRow {
  id: number;
  public_id: string;
  user_id: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

const toCode = (r: CodeRow): CodeRecord => ({
  purpose: r.purpose,
  subject: r.subject,
  codeMac: r.code_mac,
  emailKey: r.email_key,
  newEmail: r.new_email,
  issuedAt: r.issued_at,
  expiresAt: r.expires_at,
  attempts: r.attempts,
  exhausted: r.exhausted === 1,
});

const toSession = (r: SessionRow): SessionRecord => ({
  id: r.id,
  publicId: r.public_id,
  userId: r.user_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
});

/** Codes, reset tokens and sessions: only their MACs and hashes are stored. */
export class AuthSecretRows {
  private readonly db: Db;
  private readonly codeBySubject;
  private readonly upsertCode;
  private readonly failCode;
  private readonly deleteCodeRow;
  private readonly tokenByHash;
  private readonly upsertToken;
  private readonly sessionByHash;

  constructor(db: Db) {
    this.db = db;
    this.codeBySubject = db.prepare<[string, string], CodeRow>(
      'SELECT * FROM auth_codes WHERE purpose = ? AND subject = ?',
    );
    this.upsertCode = db.prepare(
      `INSERT OR REPLACE INTO auth_codes
         (purpose, subject, code_mac, email_key, new_email, issued_at, expires_at, attempts, exhausted)
       VALUES (@purpose, @subject, @codeMac, @emailKey, @newEmail, @issuedAt, @expiresAt, 0, 0)`,
    );
    this.failCode = db.prepare(
      `UPDATE auth_codes SET attempts = attempts + 1,
         exhausted = CASE WHEN attempts + 1 >= @max THEN 1 ELSE 0 END,
         code_mac = CASE WHEN attempts + 1 >= @max THEN NULL ELSE code_mac END
       WHERE purpose = @purpose AND subject = @subject
       RETURNING attempts`,
    );
    this.deleteCodeRow = db.prepare('DELETE FROM auth_codes WHERE purpose = ? AND subject = ?');
    this.tokenByHash = db.prepare<[Buffer], ResetTokenRecord>(
      'SELECT user_id AS userId, issued_at AS issuedAt, expires_at AS expiresAt FROM auth_reset_tokens WHERE token_hash = ?',
    );
    this.upsertToken = db.prepare(
      'INSERT OR REPLACE INTO auth_reset_tokens (user_id, token_hash, issued_at, expires_at) VALUES (?, ?, ?, ?)',
    );
    this.sessionByHash = db.prepare<[Buffer], SessionRow>('SELECT * FROM auth_sessions WHERE token_hash = ?');
  }

  code(purpose: CodePurpose, subject: string): CodeRecord | null {
    const row = this.codeBySubject.get(purpose, subject);
    return row ? toCode(row) : null;
  }

  /** One active code per (purpose, subject): a new one replaces the old with fresh attempts. */
  saveCode(code: Omit<CodeRecord, 'attempts' | 'exhausted'>): void {
    this.upsertCode.run(code);
  }

  /** Counts a wrong try; at `max` the code is gone (exhausted). Returns the attempts so far. */
  failAttempt(purpose: CodePurpose, subject: string, max: number): number {
    const row = this.failCode.get({ purpose, subject, max }) as { attempts: number } | undefined;
    return row?.attempts ?? max;
  }

  deleteCode(purpose: CodePurpose, subject: string): void {
    this.deleteCodeRow.run(purpose, subject);
  }

  /** Every code mailed to or about a user (reset revokes them). */
  deleteCodesOf(emailKey: string, userSubject: string): void {
    this.db
      .prepare('DELETE FROM auth_codes WHERE email_key = ? OR subject = ? OR subject = ?')
      .run(emailKey, emailKey, userSubject);
  }

  resetToken(hash: Buffer): ResetTokenRecord | null {
    return this.tokenByHash.get(hash) ?? null;
  }

  /** One active token per user: a new request invalidates the old. */
  saveResetToken(userId: number, hash: Buffer, issuedAt: number, expiresAt: number): void {
    this.upsertToken.run(userId, hash, issuedAt, expiresAt);
  }

  deleteResetTokensOf(userId: number): void {
    this.db.prepare('DELETE FROM auth_reset_tokens WHERE user_id = ?').run(userId);
  }

  createSession(session: Omit<SessionRecord, 'id'>, hash: Buffer): SessionRecord {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO auth_sessions (public_id, token_hash, user_id, created_at, last_seen_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(session.publicId, hash, session.userId, session.createdAt, session.lastSeenAt, session.expiresAt);
    return { ...session, id: Number(lastInsertRowid) };
  }

  session(hash: Buffer): SessionRecord | null {
    const row = this.sessionByHash.get(hash);
    return row ? toSession(row) : null;
  }

  touchSession(id: number, at: number): void {
    this.db.prepare('UPDATE auth_sessions SET last_seen_at = ? WHERE id = ?').run(at, id);
  }

  deleteSession(id: number): void {
    this.db.prepare('DELETE FROM auth_sessions WHERE id = ?').run(id);
  }

  /** Revokes a user's sessions, all or all but one; returns how many. */
  deleteSessionsOf(userId: number, exceptId: number | null = null): number {
    return this.db
      .prepare('DELETE FROM auth_sessions WHERE user_id = ? AND id IS NOT ?')
      .run(userId, exceptId).changes;
  }
}
