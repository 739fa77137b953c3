/** A minimal keep-alive HTTP client for catchall's /api/v1 (node:http: cheaper than fetch per call). */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface ApiResponse {
  readonly status: number;
  readonly body: Buffer;
  /** performance.now() when the status line and headers arrived. */
  readonly at: number;
  /** performance.now() when the whole body had arrived. */
  readonly endAt: number;
}

export class ApiClient {
  readonly #base: URL;
  readonly #agent: http.Agent;

  /**
   * `baseUrl` as printed by catchall, e.g. http://127.0.0.1:40214/. `maxSockets` bounds the
   * parallel requests (more wait in the agent's queue): raise it for many concurrent `wait`s.
   */
  constructor(baseUrl: string, maxSockets = 4) {
    this.#base = new URL(baseUrl);
    this.#agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  get(path: string): Promise<ApiResponse> {
    return this.request('GET', path);
  }

  request(method: string, path: string, json?: unknown): Promise<ApiResponse> {
    const url = new URL(path.replace(/^\//, ''), this.#base);
    const payload = json === undefined ? null : Buffer.from(JSON.stringify(json));
    return new Promise((resolve, reject) => {
      const request = http.request(
        url,
        {
          method,
          agent: this.#agent,
          headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {},
        },
        (response) => {
          const at = performance.now();
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks),
              at,
              endAt: performance.now(),
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload ?? undefined);
    });
  }

  async json<T>(path: string): Promise<T> {
    const response = await this.get(path);
    if (response.status !== 200) {
      throw new Error(`GET ${path}: HTTP ${response.status} ${response.body.toString('utf8').slice(0, 200)}`);
    }
    return JSON.parse(response.body.toString('utf8')) as T;
  }

  /** `total` of GET /api/v1/messages?limit=1 (Mailpit: every stored message). */
  async total(): Promise<number> {
    return (await this.json<{ total: number }>('api/v1/messages?limit=1')).total;
  }

  close(): void {
    this.#agent.destroy();
  }
}
