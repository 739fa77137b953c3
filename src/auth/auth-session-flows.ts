import { audit, type AuthDeps, type ClientContext } from './auth-deps.ts';
import { invalidCode, invalidCredentials, refused } from './auth-errors.ts';
import { FieldChecks } from './auth-input.ts';
import { checkCode } from './auth-code-check.ts';
import { sessionJson, userJson, type SessionJson, type UserJson } from './auth-json.ts';
import { isWellFormedToken, newPublicId, newToken, tokenHash } from './auth-secrets.ts';
import type { AuthUser, SessionRecord } from './auth-types.ts';
import { KeyedLock } from './keyed-lock.ts';

/** A new session: the JSON answer, and the token for the cookie (or in the JSON for token clients). */
export interface SignedIn {
  readonly user: UserJson;
  readonly session: SessionJson;
  readonly token: string;
  readonly maxAgeSeconds: number;
}

export interface Authenticated {
  readonly user: AuthUser;
  readonly session: SessionRecord;
}

/** Everything that creates, reads or ends a session. */
export class SessionFlows {
  private readonly deps: AuthDeps;
  private readonly loginLock = new KeyedLock();

  constructor(deps: AuthDeps) {
    this.deps = deps;
  }

  /** Deletes the pending registration and creates the user and a session, atomically. */
  verifyRegistration(input: { email: string; code: string }, client: ClientContext): SignedIn {
    const { store, limits } = this.deps;
    const checks = new FieldChecks();
    const email = checks.email('email', input.email);
    const code = checks.code('code', input.code, limits.codeLength);
    checks.done();
    const signedIn = checkCode(this.deps, 'register', email.key, code, client.ip, () => {
      const pending = store.accounts.pending(email.key);
      store.accounts.deletePending(email.key);
      // An account made meanwhile (e.g. by an email change) wins; this code then proves nothing.
      if (!pending || store.accounts.userByEmailKey(email.key)) return null;
      const user = store.accounts.createUser({
        publicId: newPublicId(),
        email: pending.email,
        emailKey: pending.emailKey,
        name: pending.name,
        passwordHash: pending.passwordHash,
        createdAt: this.deps.clock.now(),
      });
      return this.issue(user, client);
    });
    if (!signedIn) throw invalidCode(0);
    return signedIn;
  }

  verifyLoginCode(input: { email: string; code: string }, client: ClientContext): SignedIn {
    const { store, limits, limiter } = this.deps;
    const checks = new FieldChecks();
    const email = checks.email('email', input.email);
    const code = checks.code('code', input.code, limits.codeLength);
    checks.done();
    // The per-IP block after failed password logins covers every login endpoint.
    const blocked = store.atomic(() => limiter.ipLoginBlock(client.ip));
    if (blocked) {
      audit(this.deps, 'code_failed', email.key, client.ip, `login, refused: ${blocked.reason}`);
      throw refused(blocked);
    }
    const signedIn = checkCode(this.deps, 'login', email.key, code, client.ip, () => {
      const user = store.accounts.userByEmailKey(email.key);
      if (!user) return null;
      limiter.clearCodeFailures(email.key);
      return this.issue(user, client);
    });
    if (!signedIn) throw invalidCode(0);
    return signedIn;
  }

  /** Password login: 401 invalid_credentials for every failure, pending accounts included. */
  async login(input: { email: string; password: string }, client: ClientContext): Promise<SignedIn> {
    const { passwordPolicy } = this.deps;
    const checks = new FieldChecks();
    const email = checks.email('email', input.email);
    const password = checks.existingPassword('password', input.password, passwordPolicy);
    checks.done();
    // The dummy hash is made at the first login rather than at start, where its 128 MiB and
    // ~0.3 s of CPU would slow every start of a product that may never see a login.
    this.deps.hasher.warm();
    return this.loginLock.run(email.key, () => this.checkPassword(email.key, password, client));
  }

  private async checkPassword(emailKey: string, password: string, client: ClientContext): Promise<SignedIn> {
    const { store, limiter, hasher } = this.deps;
    const gate = store.atomic(() => limiter.loginGate(emailKey, client.ip));
    if (gate) {
      audit(this.deps, 'login_failed', emailKey, client.ip, `refused: ${gate.reason}`);
      throw refused(gate);
    }
    const user = store.accounts.userByEmailKey(emailKey);
    const ok = user ? await hasher.verify(password, user.passwordHash) : await hasher.verifyDummy(password);
    if (!user || !ok) {
      store.atomic(() => {
        const triggered = limiter.loginFailed(emailKey, client.ip);
        audit(this.deps, 'login_failed', emailKey, client.ip, 'wrong email or password');
        if (triggered.ipLocked) audit(this.deps, 'ip_locked', emailKey, client.ip);
        if (triggered.accountLocked) audit(this.deps, 'account_locked', emailKey, client.ip);
      });
      throw invalidCredentials();
    }
    return store.atomic(() => {
      limiter.loginSucceeded(emailKey, client.ip);
      audit(this.deps, 'login_succeeded', emailKey, client.ip);
      return this.issue(user, client);
    });
  }

  /** The session a token names, if still within its absolute and idle lifetimes; slides idle. */
  authenticate(token: string | null): Authenticated | null {
    if (token === null || !isWellFormedToken(token)) return null;
    const { store, clock, limits } = this.deps;
    return store.atomic(() => {
      const session = store.secrets.session(tokenHash(token));
      if (!session) return null;
      const now = clock.now();
      const user = store.accounts.userById(session.userId);
      if (!user || now >= session.expiresAt || now >= session.lastSeenAt + limits.sessionIdleMs) {
        store.secrets.deleteSession(session.id);
        return null;
      }
      store.secrets.touchSession(session.id, now);
      return { user, session: { ...session, lastSeenAt: now } };
    });
  }

  describe(auth: Authenticated): { user: UserJson; session: SessionJson } {
    return { user: userJson(auth.user), session: sessionJson(auth.session, this.deps.limits.sessionIdleMs) };
  }

  logout(auth: Authenticated, ip: string): void {
    this.deps.store.atomic(() => {
      this.deps.store.secrets.deleteSession(auth.session.id);
      audit(this.deps, 'session_revoked', auth.user.emailKey, ip, 'logout');
    });
  }

  /** A new token at every login and verify (never reused), inside the caller's transaction. */
  issue(user: AuthUser, client: ClientContext): SignedIn {
    const { store, clock, limits } = this.deps;
    const token = newToken();
    const now = clock.now();
    const session = store.secrets.createSession(
      {
        publicId: newPublicId(),
        userId: user.id,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + limits.sessionTtlMs,
      },
      tokenHash(token),
    );
    audit(this.deps, 'session_created', user.emailKey, client.ip);
    return {
      user: userJson(user),
      session: sessionJson(session, limits.sessionIdleMs, client.tokenTransport ? token : undefined),
      token,
      maxAgeSeconds: Math.floor(limits.sessionTtlMs / 1000),
    };
  }
}
