import type { Log } from '../log/log.ts';
import type { SummaryParser } from '../parse/parse-pool.ts';
import type { MailReads } from '../store/mail-reads.ts';
import type { StoreWriter } from '../store/store-writer.ts';
import { tagsForMessage } from './message-tags.ts';

/** Messages read per round: small enough that the writer thread serves new mail in between. */
const BATCH = 100;

/**
 * Indexes messages stored before the search index existed (databases from before migration 002),
 * in the background after start, oldest first. New mail is indexed as it arrives.
 */
export async function reindexOldMessages(
  reads: MailReads,
  parser: SummaryParser,
  writer: StoreWriter,
  log: Log,
): Promise<number> {
  let done = 0;
  for (let rows = reads.unindexed(BATCH); rows.length > 0; rows = reads.unindexed(BATCH)) {
    for (const { seq, raw } of rows) {
      const parsed = await parser.parse(raw);
      const s = parsed.summary;
      await writer.reindex(
        seq,
        s,
        parsed.searchText,
        tagsForMessage(parsed.xTags, [...s.to, ...s.cc, ...s.bcc]),
      );
      done++;
    }
  }
  if (done > 0) log.info(`indexed ${done} message(s) stored before search existed`);
  return done;
}
