import { audit, type AuthDeps, type ClientContext } from './auth-deps.ts';
import { deliveryFailed, refused } from './auth-errors.ts';
import { FieldChecks } from './auth-input.ts';
import type { AuthMail } from './auth-mail-templates.ts';
import { codeMac, newCode, newToken, tokenHash } from './auth-secrets.ts';
import type { CodePurpose } from './auth-types.ts';

/** What a mail flow decided after looking at the address: the mail, and what to persist after. */
interface Prepared {
  readonly to: string;
  readonly mail: AuthMail;
  readonly commit: () => void;
}

export interface CodeSent {
  readonly status: 'verification_sent' | 'code_sent';
  readonly email: string;
  readonly codeExpiresInSeconds: number;
  readonly resendAfterSeconds: number;
}

export interface ResetSent {
  readonly status: 'reset_email_sent';
  readonly message: string;
  readonly resendAfterSeconds: number;
}

const seconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * register, register/resend, login/code and password/forgot (specs/auth.md principle 1): the
 * same steps for every address — validate, take the limits, send exactly one mail, persist — so
 * status, body, throttling and SMTP failures cannot tell whether an account exists.
 */
export class MailFlows {
  private readonly deps: AuthDeps;

  constructor(deps: AuthDeps) {
    this.deps = deps;
  }

  async register(
    input: { email: string; password: string; name?: string | null | undefined },
    client: ClientContext,
  ): Promise<CodeSent> {
    const { limits, passwordPolicy, store, hasher } = this.deps;
    const checks = new FieldChecks();
    const email = checks.email('email', input.email);
    const password = checks.newPassword('password', input.password, passwordPolicy);
    const name = checks.name('name', input.name);
    checks.done();
    await this.send('register', email.key, client, limits.resendCooldownMs, async () => {
      // Hashed for every address, so a known one answers no faster (same work, same answer).
      const passwordHash = await hasher.hash(password);
      const user = store.accounts.userByEmailKey(email.key);
      if (user) return this.codeMail('register', user.email, email.key, { kind: 'register_existing' });
      const now = this.deps.clock.now();
      const pending = { emailKey: email.key, email: email.address, name, passwordHash, createdAt: now };
      return this.codeMail(
        'register',
        email.address,
        email.key,
        (code) => ({ kind: 'register_code', name, code, minutes: this.codeMinutes() }),
        { commit: () => store.accounts.savePending(pending) },
      );
    });
    return this.codeSent('verification_sent', email.address);
  }

  async resendRegistration(input: { email: string }, client: ClientContext): Promise<CodeSent> {
    const { limits, store } = this.deps;
    const checks = new FieldChecks();
    const email = checks.email('email', input.email);
    checks.done();
    await this.send('register', email.key, client, limits.resendCooldownMs, async () => {
      const pending = store.accounts.pending(email.key);
      if (pending) {
        return this.codeMail('register', pending.email, email.key, (code) => ({
          kind: 'register_code',
          name: pending.name,
          code,
          minutes: this.codeMinutes(),
        }));
      }
      const user = store.accounts.userByEmailKey(email.key);
      return user
        ? this.codeMail('register', user.email, email.key, { kind: 'register_existing' })
        : this.codeMail('register', email.address, email.key, { kind: 'register_unknown' });
    });
    return this.codeSent('verification_sent', email.address);
  }

  async requestLoginCode(input: { email: string }, client: ClientContext): Promise<CodeSent> {
    const { limits, store } = this.deps;
    const checks = new FieldChecks();
    const email = checks.email('email', input.email);
    checks.done();
    await this.send('login', email.key, client, limits.resendCooldownMs, async () => {
      const user = store.accounts.userByEmailKey(email.key);
      if (!user) return this.codeMail('login', email.address, email.key, { kind: 'login_unknown' });
      return this.codeMail('login', user.email, email.key, (code) => ({
        kind: 'login_code',
        name: user.name,
        code,
        minutes: this.codeMinutes(),
      }));
    });
    return this.codeSent('code_sent', email.address);
  }

  async forgotPassword(input: { email: string }, client: ClientContext): Promise<ResetSent> {
    const { limits, store, clock } = this.deps;
    const checks = new FieldChecks();
    const email = checks.email('email', input.email);
    checks.done();
    await this.send('reset', email.key, client, limits.forgotCooldownMs, async () => {
      const token = newToken();
      const user = store.accounts.userByEmailKey(email.key);
      if (!user) return { to: email.address, mail: { kind: 'reset_unknown' }, commit: () => undefined };
      const now = clock.now();
      return {
        to: user.email,
        mail: {
          kind: 'reset_link',
          name: user.name,
          // In the fragment: it never reaches a server log or a Referer (specs/auth.md).
          link: `${this.deps.appUrl()}/reset-password#token=${token}`,
          minutes: Math.ceil(limits.resetTtlMs / 60_000),
        },
        commit: () => store.secrets.saveResetToken(user.id, tokenHash(token), now, now + limits.resetTtlMs),
      };
    });
    return {
      status: 'reset_email_sent',
      message: 'We sent an email to this address with the next step.',
      resendAfterSeconds: seconds(limits.forgotCooldownMs),
    };
  }

  /**
   * A code mail (when `mail` is a function of the code), or a notice with a phantom code record:
   * it matches nothing but counts attempts exactly like a real one, so verify answers the same
   * for every address.
   */
  codeMail(
    purpose: CodePurpose,
    to: string,
    emailKey: string,
    mail: AuthMail | ((code: string) => AuthMail),
    extra: { commit?: () => void; subject?: string; newEmail?: string | null } = {},
  ): Prepared {
    const { limits, store, clock, codeKey } = this.deps;
    const code = newCode(limits.codeLength);
    const mac = codeMac(codeKey, purpose, emailKey, code);
    const now = clock.now();
    const real = typeof mail === 'function';
    return {
      to,
      mail: real ? mail(code) : mail,
      commit: () => {
        extra.commit?.();
        store.secrets.saveCode({
          purpose,
          subject: extra.subject ?? emailKey,
          codeMac: real ? mac : null,
          emailKey,
          newEmail: extra.newEmail ?? null,
          issuedAt: now,
          expiresAt: now + limits.codeTtlMs,
        });
      },
    };
  }

  /**
   * Reserve the limits, send, then persist (principle 5): on an SMTP failure the reservation is
   * released, earlier codes and tokens stay valid, nothing new is stored, and the caller gets a
   * 503 without any SMTP detail.
   */
  async send(
    kind: CodePurpose | 'reset',
    emailKey: string,
    client: ClientContext,
    cooldownMs: number,
    prepare: () => Promise<Prepared>,
  ): Promise<void> {
    const { store, limiter, mailer } = this.deps;
    const taken = store.atomic(() =>
      limiter.takeMailBudget(`cooldown:${kind}`, emailKey, client.ip, cooldownMs),
    );
    if (!('hits' in taken)) throw refused(taken);
    const prepared = await prepare();
    try {
      await mailer(prepared.to, prepared.mail);
    } catch (error) {
      store.atomic(() => {
        limiter.release(taken);
        audit(this.deps, 'mail_failed', emailKey, client.ip, `${prepared.mail.kind}: ${describe(error)}`);
      });
      throw deliveryFailed();
    }
    store.atomic(() => {
      prepared.commit();
      audit(
        this.deps,
        kind === 'reset' ? 'reset_requested' : 'code_issued',
        emailKey,
        client.ip,
        prepared.mail.kind,
      );
    });
  }

  codeMinutes(): number {
    return Math.ceil(this.deps.limits.codeTtlMs / 60_000);
  }

  /** The 202 answer of every code-mail request. */
  codeSent(status: CodeSent['status'], email: string): CodeSent {
    const { limits } = this.deps;
    return {
      status,
      email,
      codeExpiresInSeconds: seconds(limits.codeTtlMs),
      resendAfterSeconds: seconds(limits.resendCooldownMs),
    };
  }
}

/** For the audit trail only (never in a response): the SMTP reply code or error code. */
function describe(error: unknown): string {
  const e = error as { responseCode?: number; code?: string };
  return e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'error');
}
