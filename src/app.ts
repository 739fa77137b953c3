import { statSync } from 'node:fs';
import { ChaosTriggers } from './chaos/chaos-triggers.ts';
import type { Config } from './config/config-types.ts';
import { VERSION } from './config/config-load.ts';
import { EventBus } from './events/event-bus.ts';
import { createHttpApp } from './http/http-app.ts';
import { startHttp } from './http/http-server.ts';
import { checkBasicAuth } from './http/basic-auth.ts';
import { inboxRoutes } from './inbox/inbox-routes.ts';
import { viewRoutes } from './inbox/view-routes.ts';
import { MailboxChanges } from './mail/mailbox-changes.ts';
import { MessageWaiter } from './mail/message-waiter.ts';
import { indexUnindexed } from './mail/reindex.ts';
import { attachEventHub } from './realtime/event-hub.ts';
import { startAuth } from './auth/auth-setup.ts';
import { createLog, type Log } from './log/log.ts';
import { PublicIds } from './mail/mail-ids.ts';
import { MailIngest } from './mail/mail-ingest.ts';
import { Mailbox } from './mail/mailbox.ts';
import { RuntimeStats } from './mail/runtime-stats.ts';
import { extract } from './parse/extract.ts';
import { readHeaders } from './parse/message-headers.ts';
import { parseMessageBody, parsePart } from './parse/parse-message.ts';
import { createSummaryParser } from './parse/parse-pool.ts';
import { startSmtp, type BoundListener } from './smtp/smtp-service.ts';
import { loadTlsMaterial } from './smtp/smtp-tls.ts';
import { MailReads } from './store/mail-reads.ts';
import { startStoreWriter } from './store/store-writer.ts';
import { openDatabase } from './store/store-open.ts';

export interface AppDeps {
  /** Wall clock in ms; tests may pass their own. */
  readonly now?: () => number;
  readonly log?: Log;
  /** How long shutdown waits for transactions in DATA to finish (default 10 s). */
  readonly shutdownGraceMs?: number;
}

export interface RunningApp {
  readonly config: Config;
  readonly smtp: readonly BoundListener[];
  readonly smtpPort: number;
  /** The implicit-TLS port, when --smtps is set. */
  readonly smtpsPort: number | null;
  readonly httpPort: number;
  /** Base URL of UI and API, ending in "/". */
  readonly httpUrl: string;
  readonly databaseFile: string;
  /** PEM of the certificate STARTTLS/SMTPS present, so tests and tools can pin it. */
  readonly tlsCertificate: string;
  readonly bus: EventBus;
  stop(): Promise<void>;
}

const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/**
 * The composition root (DESIGN.md §2): builds store, parser, bus, SMTP and HTTP from one config.
 * main.ts and the tests both start the product through this function.
 */
export async function startApp(config: Config, deps: AppDeps = {}): Promise<RunningApp> {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? createLog(config.logLevel);
  const cleanups: (() => Promise<void> | void)[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };

  try {
    const database = openDatabase(config.storage.database);
    cleanups.push(() => database.close());
    const reads = new MailReads(database.db);
    const writer = await startStoreWriter({
      file: database.file,
      temporary: database.temporary,
      maxMessages: config.storage.maxMessages,
    });
    cleanups.push(() => writer.close());
    const parser = createSummaryParser({ workers: config.storage.parseWorkers });
    cleanups.push(() => parser.close());
    const bus = new EventBus((error, event) => log.error(`a ${event.type} listener failed`, error));
    const stats = new RuntimeStats(now());
    const ids = new PublicIds();
    const ingest = new MailIngest({ writer, parser, bus, stats, log, ids, now });
    // Messages a crash left unindexed (stored, answered 250, not yet parsed) are indexed first;
    // API requests wait for it (ingest.settled), so every 250'd message is listed again.
    ingest.hold(indexUnindexed(reads, ingest, log));
    const tls = await loadTlsMaterial(config.smtp.tls, config.storage.database, config.smtp.hostname);

    const chaos = new ChaosTriggers(config.smtp.chaosEnabled);
    const smtp = await startSmtp({ config: config.smtp, chaos, tls, ingest, bus, log, stats, ids, now });
    cleanups.push(async () => {
      await smtp.close(deps.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      // Finish indexing what was accepted, so nothing is left for the next start to do.
      await ingest.settled();
    });

    const mailbox = new Mailbox(
      reads,
      { body: parseMessageBody, part: parsePart, headers: readHeaders, extract },
      (sessionId) => smtp.unwrittenTranscript(sessionId),
    );
    const changes = new MailboxChanges(writer, bus, stats);
    const waiter = new MessageWaiter(bus, mailbox);
    const info = {
      version: VERSION,
      databasePath: database.file,
      databaseBytes: () => fileSize(database.file) + fileSize(`${database.file}-wal`),
      runtime: stats,
      now,
      memoryBytes: () => process.memoryUsage.rss(),
    };
    const api = inboxRoutes({ mailbox, changes, waiter, ingest, chaos, info });
    let bound: { url: string; port: number } | null = null;
    const whenBound = () => {
      if (!bound) throw new Error('the HTTP listener is not bound yet');
      return bound;
    };
    const auth = config.auth.enabled
      ? startAuth({
          config,
          log,
          databaseFile: database.file,
          temporaryDatabase: database.temporary,
          smtpPort: smtp.listeners.find((l) => l.name === 'smtp')?.port ?? 0,
          httpUrl: () => whenBound().url,
          httpPort: () => whenBound().port,
        })
      : null;
    // Before the SMTP cleanup and the HTTP one inserted below, so it runs after both (cleanups run
    // in reverse): no request can reach a closed auth store.
    if (auth) cleanups.splice(cleanups.length - 1, 0, () => auth.close());
    const httpApp = createHttpApp({
      config: config.http,
      log,
      api,
      view: viewRoutes(mailbox, changes, () => Promise.all([ingest.settled(), changes.settled()])),
      ready: () => !stopping,
      ...(auth ? { auth: auth.routes } : {}),
    });
    const http = await startHttp(httpApp, config.http.listen, config.http.webroot);
    bound = { url: http.url, port: http.port };
    const credentials = config.http.credentials;
    const hub = attachEventHub(http.server, {
      path: `${config.http.webroot}api/events`,
      bus,
      stats: () => mailbox.stats(),
      version: VERSION,
      authorize: (request) => !credentials || checkBasicAuth(request.headers.authorization, credentials),
      log,
    });
    // Close HTTP after SMTP (cleanups run in reverse), so the API answers while SMTP drains.
    cleanups.splice(cleanups.length - 1, 0, async () => {
      hub.close();
      await http.close();
    });

    const plain = smtp.listeners.find((l) => l.name === 'smtp');
    const secure = smtp.listeners.find((l) => l.name === 'smtps');
    return {
      config,
      smtp: smtp.listeners,
      smtpPort: plain?.port ?? 0,
      smtpsPort: secure?.port ?? null,
      httpPort: http.port,
      httpUrl: http.url,
      databaseFile: database.file,
      tlsCertificate: tls.cert,
      bus,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    // A missing -wal file simply has no size to add.
    return 0;
  }
}
