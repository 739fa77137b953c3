import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import type { ListenAddress } from '../config/config-types.ts';

export interface HttpServer {
  readonly server: Server;
  readonly port: number;
  /** e.g. http://127.0.0.1:8025/ (with the webroot). */
  readonly url: string;
  close(): Promise<void>;
}

export function startHttp(app: Hono, listen: ListenAddress, webroot: string): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: listen.host, port: listen.port }) as Server;
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
      resolve({
        server,
        port,
        url: `http://${host}:${port}${webroot}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive and long-poll connections would otherwise hold close() open.
            server.closeAllConnections();
          }),
      });
    });
  });
}
