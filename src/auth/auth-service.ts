import type { AdjustableClock } from './auth-clock.ts';
import type { AuthDeps } from './auth-deps.ts';
import { EmailChangeFlows } from './auth-email-change.ts';
import { MailFlows } from './auth-mail-flows.ts';
import { ResetFlows } from './auth-reset-flows.ts';
import { SessionFlows } from './auth-session-flows.ts';
import type { AuthEvent } from './auth-types.ts';

/** The auth API's flows, framework-free; auth-routes.ts is their HTTP edge. */
export class AuthService {
  readonly mail: MailFlows;
  readonly sessions: SessionFlows;
  readonly resets: ResetFlows;
  readonly emailChange: EmailChangeFlows;
  readonly clock: AdjustableClock;
  private readonly deps: AuthDeps;

  constructor(deps: AuthDeps & { readonly clock: AdjustableClock }) {
    this.deps = deps;
    this.clock = deps.clock;
    this.mail = new MailFlows(deps);
    this.sessions = new SessionFlows(deps);
    this.resets = new ResetFlows(deps);
    this.emailChange = new EmailChangeFlows(deps, this.mail);
  }

  /** Harness reset: users, pending rows, codes, tokens, sessions, limits, audit (not the clock). */
  wipe(): void {
    this.deps.store.wipe();
  }

  events(afterId: number, limit: number): AuthEvent[] {
    return this.deps.store.limits.events(afterId, limit);
  }
}
