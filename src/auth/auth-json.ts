import type { AuthUser, SessionRecord } from './auth-types.ts';

export interface UserJson {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  readonly createdAt: string;
}

export interface SessionJson {
  readonly id: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** When the session ends if unused (idle timeout, sliding). */
  readonly idleExpiresAt: string;
  /** Only for `X-Session-Transport: token` clients, and only when the session is issued. */
  readonly token?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export const userJson = (user: AuthUser): UserJson => ({
  id: user.publicId,
  email: user.email,
  name: user.name,
  createdAt: iso(user.createdAt),
});

export function sessionJson(session: SessionRecord, idleMs: number, token?: string): SessionJson {
  return {
    id: session.publicId,
    createdAt: iso(session.createdAt),
    expiresAt: iso(session.expiresAt),
    idleExpiresAt: iso(Math.min(session.expiresAt, session.lastSeenAt + idleMs)),
    ...(token !== undefined ? { token } : {}),
  };
}
