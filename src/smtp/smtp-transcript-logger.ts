import type { TranscriptLine } from '../mail/mail-types.ts';

export type OnTranscriptLine = (connectionId: string, dir: TranscriptLine['dir'], text: string) => void;

interface LogEntry {
  readonly tnx?: string;
  readonly cid?: string;
  readonly bytes?: number;
}

/**
 * smtp-server reports every command it reads ("C:", credentials already redacted) and every
 * reply it writes ("S:") through its bunyan-style logger at debug level, tagged with the
 * connection id. This logger turns those into transcript lines; everything else it logs is
 * dropped here (connection errors reach the server's 'error' event as well).
 */
export function createTranscriptLogger(onLine: OnTranscriptLine) {
  return {
    debug(entry: LogEntry, message: string, ...args: unknown[]): void {
      const cid = entry.cid;
      if (!cid) return;
      if (entry.tnx === 'command' && message === 'C:')
        onLine(cid, 'C', redactAuthLine(String(args[0] ?? '')));
      else if (entry.tnx === 'send' && message === 'S:')
        onLine(cid, 'S', explainChallenge(String(args[0] ?? '')));
      else if (entry.tnx === 'data') onLine(cid, 'C', `<${entry.bytes ?? args[0]} bytes of message data>`);
    },
    info(): void {},
    warn(): void {},
    error(): void {},
  };
}

/** smtp-server writes "/* secured *\/" for AUTH arguments; show it the way a reader expects. */
function redactAuthLine(line: string): string {
  return line.replace('/* secured */', '******** (credentials hidden)');
}

/**
 * AUTH challenges ("334 VXNlcm5hbWU6") are base64; show what they say, e.g. (base64 of "Username:"),
 * so a workshop can follow AUTH LOGIN without decoding by hand.
 */
function explainChallenge(reply: string): string {
  const match = /^334 ([A-Za-z0-9+/]+={0,2})$/.exec(reply);
  if (!match?.[1]) return reply;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return /^[\x20-\x7e]+$/.test(decoded) ? `${reply}   (base64 of "${decoded}")` : reply;
}
