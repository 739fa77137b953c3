/** Domain types of the auth API (specs/auth.md), shared by the service and its store. */

/** What a mailed code is for; codes are bound to their purpose and address. */
export type CodePurpose = 'register' | 'login' | 'email_change';

export interface AuthUser {
  readonly id: number;
  /** Shown in the API; the row id never leaves the store. */
  readonly publicId: string;
  /** The canonical address mail goes to. */
  readonly email: string;
  /** The lower-cased address: the identity and the throttle key. */
  readonly emailKey: string;
  readonly name: string | null;
  readonly passwordHash: string;
  readonly createdAt: number;
}

/** A registration waiting for its code: no user exists until it is verified. */
export interface PendingRegistration {
  readonly emailKey: string;
  readonly email: string;
  readonly name: string | null;
  readonly passwordHash: string;
  readonly createdAt: number;
}

export interface CodeRecord {
  readonly purpose: CodePurpose;
  /** The email key (register, login) or "user:<public id>" (email change). */
  readonly subject: string;
  /** HMAC of the code; null for a phantom (notice mail sent, nothing can match). */
  readonly codeMac: Buffer | null;
  /** The address the code was mailed to (the new address for an email change). */
  readonly emailKey: string;
  /** Email change only: the canonical new address. */
  readonly newEmail: string | null;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly attempts: number;
  readonly exhausted: boolean;
}

export interface SessionRecord {
  readonly id: number;
  readonly publicId: string;
  readonly userId: number;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
}

export interface ResetTokenRecord {
  readonly userId: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export type AuthEventType =
  | 'code_issued'
  | 'code_failed'
  | 'code_verified'
  | 'login_succeeded'
  | 'login_failed'
  | 'ip_locked'
  | 'account_locked'
  | 'reset_requested'
  | 'reset_completed'
  | 'session_created'
  | 'session_revoked'
  | 'email_changed'
  | 'mail_failed';

export interface AuthEvent {
  readonly id: number;
  readonly at: number;
  readonly type: AuthEventType;
  readonly emailKey: string | null;
  readonly ip: string | null;
  readonly detail: string | null;
}

/** A consecutive-failure counter (reset by a success) with an optional block. */
export interface Counter {
  readonly count: number;
  readonly lastAt: number;
  readonly blockedUntil: number;
}
