import type { MailboxStats } from '../store/store-types.ts';
import type { RuntimeStats } from '../mail/runtime-stats.ts';

/** What /api/v1/info reports besides the mailbox counts. */
export interface InfoSource {
  readonly version: string;
  readonly databasePath: string;
  readonly databaseBytes: () => number;
  readonly runtime: RuntimeStats;
  readonly now: () => number;
  readonly memoryBytes: () => number;
}

/** Mailpit's AppInformation (internal/stats/stats.go). */
export function infoJson(info: InfoSource, stats: MailboxStats, tags: Record<string, number>) {
  const r = info.runtime;
  return {
    Version: info.version,
    LatestVersion: '',
    Database: info.databasePath,
    DatabaseSize: info.databaseBytes(),
    Messages: stats.total,
    Unread: stats.unread,
    Tags: tags,
    RuntimeStats: {
      Uptime: Math.floor((info.now() - r.startedAt) / 1000),
      Memory: info.memoryBytes(),
      MessagesDeleted: r.messagesDeleted,
      SMTPAccepted: r.smtpAccepted,
      SMTPAcceptedSize: r.smtpAcceptedBytes,
      SMTPRejected: r.smtpRejected,
      SMTPIgnored: 0,
    },
  };
}
