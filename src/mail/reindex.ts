import type { Log } from '../log/log.ts';
import type { MailReads } from '../store/mail-reads.ts';
import type { MailIngest } from './mail-ingest.ts';

/** Messages read per round: small enough that the writer thread serves new mail in between. */
const BATCH = 100;

/**
 * Indexes messages that were committed but never indexed: ones whose process was killed between
 * their "250" and their index write, and databases from before migration 002. Runs once at
 * start, oldest first; the API waits for it (MailIngest.settled), so every message that got a
 * 250 is listed again when the first request is answered.
 */
export async function indexUnindexed(reads: MailReads, ingest: MailIngest, log: Log): Promise<number> {
  let done = 0;
  // A message whose index write fails stays unindexed; trying it once per start is enough.
  const tried = new Set<string>();
  for (;;) {
    const rows = reads.unindexed(BATCH).filter((row) => !tried.has(row.id));
    if (rows.length === 0) break;
    for (const row of rows) tried.add(row.id);
    await Promise.all(rows.map((row) => ingest.indexLate(row)));
    done += rows.length;
  }
  if (done > 0) log.info(`indexed ${done} stored message(s) that were not indexed yet`);
  const searchable = await writeMissingSearchRows(reads, ingest);
  if (searchable > 0) log.info(`wrote the search rows of ${searchable} stored message(s)`);
  return done;
}

/** Search rows a crash kept from being written (store/mail-writes.ts queues them), oldest first. */
async function writeMissingSearchRows(reads: MailReads, ingest: MailIngest): Promise<number> {
  let done = 0;
  for (let after = 0; ;) {
    const { rows, lastSeq } = reads.searchPending(after, BATCH);
    if (rows.length === 0) return done;
    await Promise.all(rows.map((row) => ingest.searchLate(row)));
    done += rows.length;
    after = lastSeq;
  }
}
