/** Counters for /api/v1/info's RuntimeStats (Mailpit's names), owned by the app, not global. */
export class RuntimeStats {
  readonly startedAt: number;
  smtpAccepted = 0;
  smtpAcceptedBytes = 0;
  smtpRejected = 0;
  messagesDeleted = 0;

  constructor(startedAt: number) {
    this.startedAt = startedAt;
  }
}
