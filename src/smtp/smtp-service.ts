import type { TLSSocket } from 'node:tls';
import {
  SMTPServer,
  type SMTPServerAuthentication,
  type SMTPServerAuthenticationResponse,
  type SMTPServerDataStream,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server';
import type { ChaosTriggers } from '../chaos/chaos-triggers.ts';
import type { ListenAddress, SmtpConfig } from '../config/config-types.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Log } from '../log/log.ts';
import type { MailIngest } from '../mail/mail-ingest.ts';
import type { PublicIds } from '../mail/mail-ids.ts';
import type { TranscriptLine } from '../mail/mail-types.ts';
import type { RuntimeStats } from '../mail/runtime-stats.ts';
import { checkCredentials } from './smtp-auth.ts';
import { coalesceWrites } from './smtp-coalesce.ts';
import { readMessage, toEnvelope } from './smtp-data.ts';
import { installDataDecoder } from './smtp-data-stream.ts';
import { later, SmtpChaos } from './smtp-chaos.ts';
import { smtpError } from './smtp-errors.ts';
import { SessionRecorder } from './smtp-session-recorder.ts';
import type { TlsMaterial } from './smtp-tls.ts';
import { createTranscriptLogger } from './smtp-transcript-logger.ts';

export interface SmtpDeps {
  readonly config: SmtpConfig;
  readonly chaos: ChaosTriggers;
  readonly tls: TlsMaterial;
  readonly ingest: MailIngest;
  readonly bus: EventBus;
  readonly log: Log;
  readonly stats: RuntimeStats;
  readonly ids: PublicIds;
  readonly now: () => number;
}

export interface BoundListener {
  readonly name: 'smtp' | 'smtps';
  readonly host: string;
  readonly port: number;
  readonly implicitTls: boolean;
}

export interface SmtpService {
  readonly listeners: readonly BoundListener[];
  /** Stops accepting, lets transactions in DATA finish (up to graceMs), then closes every connection. */
  close(graceMs: number): Promise<void>;
  /** Transcript lines of an open session not written to the database yet (none if it is closed). */
  unwrittenTranscript(sessionId: string): readonly TranscriptLine[];
}

/** Per-connection state, keyed by smtp-server's connection id. */
interface Connection {
  readonly recorder: SessionRecorder;
  readonly watchdog: NodeJS.Timeout;
  /** The message being received or committed, if any: the session's close waits for it. */
  inFlight: Promise<unknown> | null;
  delivered: number;
}

/**
 * The SMTP listeners (DESIGN.md §3.2): accepts any sender and recipient, optional or required
 * AUTH, STARTTLS and implicit TLS, and hands each message to ingest, replying 250 only once it
 * is committed. Keeps a transcript of every session.
 */
export async function startSmtp(deps: SmtpDeps): Promise<SmtpService> {
  const { config, log } = deps;
  installDataDecoder();
  const connections = new Map<string, Connection>();
  const sessionWrites = new Set<Promise<void>>();
  /** Waiting for the last connection's onClose during shutdown. */
  const drained: (() => void)[] = [];
  let closing = false;

  const addLine = (cid: string, dir: TranscriptLine['dir'], text: string): void => {
    const connection = connections.get(cid);
    if (!connection) return;
    connection.watchdog.refresh();
    const line = connection.recorder.add(deps.now(), dir, text);
    if (line) deps.bus.publish({ type: 'smtp.line', sessionId: connection.recorder.id, line });
  };

  const chaos = new SmtpChaos(deps.chaos, (cid, text) => addLine(cid, '*', text));

  const servers: { server: SMTPServer; name: BoundListener['name']; implicitTls: boolean }[] = [];
  const findConnection = (cid: string) => {
    for (const { server } of servers) for (const c of server.connections) if (c.id === cid) return c;
    return undefined;
  };

  const options = (name: BoundListener['name'], implicitTls: boolean): SMTPServerOptions => ({
    secure: implicitTls,
    key: deps.tls.key,
    cert: deps.tls.cert,
    minVersion: 'TLSv1.2',
    name: config.hostname,
    banner: 'catchall',
    disableReverseLookup: true,
    hideENHANCEDSTATUSCODES: false,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
    authOptional: config.credentials === null,
    allowInsecureAuth: config.allowInsecureAuth,
    size: config.maxMessageBytes === 0 ? undefined : config.maxMessageBytes,
    rejectOversized: config.maxMessageBytes !== 0,
    maxRecipients: config.maxRecipients,
    socketTimeout: config.idleTimeoutMs,
    logger: createTranscriptLogger(addLine),

    onConnect(session, callback) {
      const recorder = new SessionRecorder({
        id: deps.ids.next(deps.now()),
        startedAt: deps.now(),
        listener: name,
        clientAddress: session.remoteAddress,
        clientPort: session.remotePort,
      });
      const watchdog = setTimeout(() => onCommandTimeout(session.id), config.commandTimeoutMs);
      watchdog.unref();
      connections.set(session.id, { recorder, watchdog, inFlight: null, delivered: 0 });
      addLine(session.id, '*', `connected from ${session.remoteAddress}:${session.remotePort} (${name})`);
      log.debug(`smtp session ${recorder.id} from ${session.remoteAddress}:${session.remotePort} (${name})`);
      chaos.gate(session.id, 'Connect', callback);
    },

    onSecure(socket, session, callback) {
      const tlsSocket = socket as TLSSocket;
      const protocol = tlsSocket.getProtocol?.() ?? null;
      const cipher = tlsSocket.getCipher?.()?.name ?? null;
      connections.get(session.id)?.recorder.update({ tlsProtocol: protocol, tlsCipher: cipher });
      addLine(session.id, '*', `TLS established: ${protocol ?? '?'} ${cipher ?? ''}`.trim());
      callback();
    },

    onAuth(auth, session, callback) {
      const fault = chaos.fault(session.id, 'Authentication');
      if (fault) {
        // A delay alone still checks the credentials afterwards; an error code answers instead.
        return later(fault.delayMs, () =>
          fault.error ? callback(fault.error) : authenticate(auth, session, callback),
        );
      }
      authenticate(auth, session, callback);
    },

    onMailFrom(_address, session, callback) {
      if (config.requireStarttls && !session.secure) {
        return callback(smtpError(530, 'Must issue a STARTTLS command first'));
      }
      chaos.gate(session.id, 'Sender', callback);
    },

    onRcptTo(_address, session, callback) {
      chaos.gateAtOnce(session.id, 'Recipient', callback);
    },

    onData(stream, session, callback) {
      const connection = connections.get(session.id);
      if (!connection) return callback(smtpError(451, 'Session not known; try again'));
      const done = receive(stream, session, connection).then(
        (reply) => callback(null, reply),
        (error: Error) => callback(error),
      );
      connection.inFlight = done.finally(() => {
        connection.inFlight = null;
        // During shutdown a connection is closed as soon as its transaction is answered.
        if (closing) setImmediate(() => findConnection(session.id)?.send(421, 'catchall is shutting down'));
      });
    },

    onClose(session) {
      const connection = connections.get(session.id);
      if (!connection) return;
      connection.recorder.update({ endedAt: deps.now(), helo: session.hostNameAppearsAs || '' });
      addLine(session.id, '*', 'connection closed');
      connections.delete(session.id);
      clearTimeout(connection.watchdog);
      log.debug(`smtp session ${connection.recorder.id} closed after ${connection.delivered} message(s)`);
      const write = Promise.resolve(connection.inFlight)
        .then(() => deps.ingest.recordSession(connection.recorder.take(deps.now())))
        .catch((error: unknown) => log.error('could not record an SMTP session', error))
        .finally(() => sessionWrites.delete(write));
      sessionWrites.add(write);
      if (connections.size === 0) for (const resolve of drained.splice(0)) resolve();
    },
  });

  /** Checks AUTH credentials (smtp-auth.ts) and notes the outcome in the transcript. */
  function authenticate(
    auth: SMTPServerAuthentication,
    session: SMTPServerSession,
    callback: (error: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
  ): void {
    const verdict = checkCredentials(auth, config.credentials);
    const who = `AUTH ${auth.method} as "${auth.username ?? ''}" (password hidden)`;
    if (!verdict.ok) {
      addLine(session.id, '*', `${who}: rejected`);
      return callback(smtpError(535, 'Authentication credentials invalid'));
    }
    connections.get(session.id)?.recorder.update({ authUser: verdict.user, authMethod: auth.method });
    addLine(session.id, '*', `${who}: accepted`);
    callback(null, { user: verdict.user });
  }

  async function receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    connection: Connection,
  ): Promise<string> {
    const raw = await readMessage(stream);
    if (raw === null) {
      deps.stats.smtpRejected++;
      // smtp-server replies 552 itself (rejectOversized); this error only completes the callback.
      throw smtpError(552, 'Message too big');
    }
    connection.recorder.update({ helo: session.hostNameAppearsAs || '' });
    const fault = chaos.fault(session.id, 'Data');
    if (fault) {
      await new Promise<void>((resolve) => later(fault.delayMs, resolve));
      // A chaos failure at DATA stores nothing, like a real server refusing the message.
      if (fault.error) throw fault.error;
    }
    try {
      const message = await deps.ingest.accept({
        raw,
        envelope: toEnvelope(session),
        session: connection.recorder.takeForMessage(deps.now()),
      });
      connection.delivered++;
      log.debug(`stored ${message.id} (${message.size} bytes) in session ${connection.recorder.id}`);
      return `Ok: queued as ${message.id}`;
    } catch (error) {
      deps.stats.smtpRejected++;
      log.error('could not store a message; answered 451', error);
      deps.bus.publish({
        type: 'app.error',
        message: `a message from ${session.remoteAddress} could not be stored (451)`,
      });
      throw smtpError(451, 'Could not store the message; try again later');
    }
  }

  function onCommandTimeout(cid: string): void {
    const seconds = config.commandTimeoutMs / 1000;
    addLine(cid, '*', `closing: no complete command or message within ${seconds}s`);
    findConnection(cid)?.send(421, `Timeout: no complete command within ${seconds}s, closing connection`);
  }

  const plan: { name: BoundListener['name']; address: ListenAddress; implicitTls: boolean }[] = [
    { name: 'smtp', address: config.listen, implicitTls: config.requireTls },
  ];
  if (config.smtps) plan.push({ name: 'smtps', address: config.smtps, implicitTls: true });

  const listeners: BoundListener[] = [];
  try {
    for (const item of plan) {
      const server = new SMTPServer(options(item.name, item.implicitTls));
      // Resets and aborted handshakes arrive here; they end one connection, not the server.
      server.on('error', (error) => log.debug(`smtp connection error: ${error.message}`));
      if (!item.implicitTls) server.server.on('connection', coalesceWrites);
      servers.push({ server, name: item.name, implicitTls: item.implicitTls });
      const port = await listen(server, item.address);
      listeners.push({ name: item.name, host: item.address.host, port, implicitTls: item.implicitTls });
    }
  } catch (error) {
    await Promise.all(servers.map(({ server }) => new Promise<void>((r) => server.close(() => r()))));
    throw error;
  }

  return {
    listeners,
    unwrittenTranscript(sessionId) {
      for (const connection of connections.values()) {
        if (connection.recorder.id === sessionId) return connection.recorder.unwritten();
      }
      return [];
    },
    async close(graceMs) {
      closing = true;
      const closed = servers.map(({ server }) => {
        server.options.closeTimeout = graceMs;
        return new Promise<void>((resolve) => server.close(() => resolve()));
      });
      for (const { server } of servers) {
        for (const c of server.connections) {
          if (!connections.get(c.id)?.inFlight) c.send(421, 'catchall is shutting down');
        }
      }
      await Promise.all(closed);
      // A server reports closed when its sockets are; their onClose handlers may still be due.
      if (connections.size > 0) await new Promise<void>((resolve) => drained.push(resolve));
      await Promise.all([...sessionWrites]);
    },
  };
}

function listen(server: SMTPServer, address: ListenAddress): Promise<number> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.server.off('error', reject);
      const bound = server.server.address();
      resolve(typeof bound === 'object' && bound ? bound.port : address.port);
    });
  });
}
