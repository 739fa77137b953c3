import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import type { AppEvent, AppEventType } from '../events/app-events.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Log } from '../log/log.ts';
import { changesStats, framesFor, type Frame } from './event-frames.ts';

export interface EventHubOptions {
  /** URL path of the socket, e.g. "/api/events" (with the webroot). */
  readonly path: string;
  readonly bus: EventBus;
  readonly stats: () => { total: number; unread: number };
  readonly version: string;
  /** Basic-auth check for the upgrade request (same users as the API). */
  readonly authorize: (request: IncomingMessage) => boolean;
  readonly log: Log;
}

export interface EventHub {
  readonly clients: () => number;
  close(): void;
}

/**
 * A client this far behind is dropped rather than buffered without bound: 4 MiB is thousands
 * of frames, far more than a browser or test falls behind unless it has stopped reading.
 */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Mailpit sends stats at most every 250 ms (internal/storage/notifications.go). */
const STATS_INTERVAL_MS = 250;
/** Pings find connections whose peer vanished without a close (a laptop lid, a dropped VPN). */
const PING_INTERVAL_MS = 30_000;

const EVENT_TYPES: readonly AppEventType[] = [
  'message.new',
  'messages.deleted',
  'messages.pruned',
  'messages.truncated',
  'messages.read',
  'messages.tagged',
  'tags.changed',
  'smtp.line',
  'app.error',
];

function transcriptClients(clients: ReadonlySet<Client>): number {
  let n = 0;
  for (const client of clients) if (client.transcript) n++;
  return n;
}

interface Client {
  readonly socket: WebSocket;
  /** Wants live SMTP transcript lines ("?smtp=1"), which Mailpit clients do not expect. */
  readonly transcript: boolean;
  alive: boolean;
}

/**
 * The WebSocket at /api/events (Mailpit's `{"Type","Data"}` frames). Subscribes to the bus once;
 * each event is serialised once and written to every client.
 */
export function attachEventHub(server: Server, options: EventHubOptions): EventHub {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<Client>();
  let statsTimer: NodeJS.Timeout | null = null;

  const send = (frames: readonly Frame[], transcriptOnly: boolean) => {
    if (clients.size === 0 || frames.length === 0) return;
    const payloads = frames.map((f) => JSON.stringify(f));
    for (const client of clients) {
      if (transcriptOnly && !client.transcript) continue;
      if (client.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        options.log.warn('dropping a WebSocket client that stopped reading');
        client.socket.terminate();
        clients.delete(client);
        continue;
      }
      for (const payload of payloads) client.socket.send(payload);
    }
  };

  const scheduleStats = () => {
    if (statsTimer) return;
    statsTimer = setTimeout(() => {
      statsTimer = null;
      const { total, unread } = options.stats();
      send([{ Type: 'stats', Data: { Total: total, Unread: unread, Version: options.version } }], false);
    }, STATS_INTERVAL_MS);
  };

  const onEvent = (event: AppEvent) => {
    const transcriptOnly = event.type === 'smtp.line';
    // Frames are only built for someone to read: under a 2 KB ingest load with no browser open,
    // building them for every message and transcript line was 4% of the SMTP thread's time.
    if (clients.size > 0 && (!transcriptOnly || transcriptClients(clients) > 0)) {
      send(framesFor(event), transcriptOnly);
    }
    if (changesStats(event)) scheduleStats();
  };
  const unsubscribe = EVENT_TYPES.map((type) => options.bus.subscribe(type, onEvent));

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== options.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!options.authorize(request)) {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="catchall"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const client: Client = { socket: ws, transcript: url.searchParams.get('smtp') === '1', alive: true };
      clients.add(client);
      ws.on('pong', () => (client.alive = true));
      ws.on('close', () => clients.delete(client));
      ws.on('error', () => clients.delete(client));
    });
  };
  server.on('upgrade', onUpgrade);

  const pinger = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.socket.terminate();
        clients.delete(client);
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }, PING_INTERVAL_MS);
  pinger.unref();

  return {
    clients: () => clients.size,
    close() {
      clearInterval(pinger);
      if (statsTimer) clearTimeout(statsTimer);
      for (const off of unsubscribe) off();
      server.off('upgrade', onUpgrade);
      for (const client of clients) client.socket.close(1001, 'catchall is shutting down');
      clients.clear();
      wss.close();
    },
  };
}
