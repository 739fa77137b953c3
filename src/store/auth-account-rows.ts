import type { AuthUser, PendingRegistration } from '../auth/auth-types.ts';
import type { Db } from './store-open.ts';

interface UserRow {
  id: number;
  public_id: string;
  email: string;
  email_key: string;
  name: string | null;
  password_hash: string;
  created_at: number;
}

interface PendingRow {
  email_key: string;
  email: string;
  name: string | null;
  password_hash: string;
  created_at: number;
}

const toUser = (r: UserRow): AuthUser => ({
  id: r.id,
  publicId: r.public_id,
  email: r.email,
  emailKey: r.email_key,
  name: r.name,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});

const toPending = (r: PendingRow): PendingRegistration => ({
  emailKey: r.email_key,
  email: r.email,
  name: r.name,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});

/** Users and pending registrations. */
export class AuthAccountRows {
  private readonly byKey;
  private readonly byId;
  private readonly insertUser;
  private readonly pendingByKey;
  private readonly upsertPending;
  private readonly deletePendingRow;
  private readonly setPassword;
  private readonly setEmail;

  constructor(db: Db) {
    this.byKey = db.prepare<[string], UserRow>('SELECT * FROM auth_users WHERE email_key = ?');
    this.byId = db.prepare<[number], UserRow>('SELECT * FROM auth_users WHERE id = ?');
    this.insertUser = db.prepare(
      `INSERT INTO auth_users (public_id, email, email_key, name, password_hash, created_at, updated_at)
       VALUES (@publicId, @email, @emailKey, @name, @passwordHash, @createdAt, @createdAt)`,
    );
    this.pendingByKey = db.prepare<[string], PendingRow>('SELECT * FROM auth_pending WHERE email_key = ?');
    this.upsertPending = db.prepare(
      `INSERT INTO auth_pending (email_key, email, name, password_hash, created_at)
       VALUES (@emailKey, @email, @name, @passwordHash, @createdAt)
       ON CONFLICT (email_key) DO UPDATE SET email = excluded.email, name = excluded.name,
         password_hash = excluded.password_hash, created_at = excluded.created_at`,
    );
    this.deletePendingRow = db.prepare('DELETE FROM auth_pending WHERE email_key = ?');
    this.setPassword = db.prepare('UPDATE auth_users SET password_hash = ?, updated_at = ? WHERE id = ?');
    this.setEmail = db.prepare('UPDATE auth_users SET email = ?, email_key = ?, updated_at = ? WHERE id = ?');
  }

  userByEmailKey(emailKey: string): AuthUser | null {
    const row = this.byKey.get(emailKey);
    return row ? toUser(row) : null;
  }

  userById(id: number): AuthUser | null {
    const row = this.byId.get(id);
    return row ? toUser(row) : null;
  }

  createUser(user: Omit<AuthUser, 'id'>): AuthUser {
    const { lastInsertRowid } = this.insertUser.run(user);
    return { ...user, id: Number(lastInsertRowid) };
  }

  updatePassword(userId: number, passwordHash: string, at: number): void {
    this.setPassword.run(passwordHash, at, userId);
  }

  updateEmail(userId: number, email: string, emailKey: string, at: number): void {
    this.setEmail.run(email, emailKey, at, userId);
  }

  pending(emailKey: string): PendingRegistration | null {
    const row = this.pendingByKey.get(emailKey);
    return row ? toPending(row) : null;
  }

  /** Re-registering a pending address replaces its password, name and code. */
  savePending(pending: PendingRegistration): void {
    this.upsertPending.run(pending);
  }

  deletePending(emailKey: string): void {
    this.deletePendingRow.run(emailKey);
  }
}
