/** A minimal keep-alive HTTP client for catchall's /api/v1 (node:http: cheaper than fetch per call). */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface ApiResponse {
  readonly status: number;
  readonly body: Buffer;
  /** performance.now() when the status line and headers arrived. */
  readonly at: number;
}

export class ApiClient {
  readonly #base: URL;
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

  /** `baseUrl` as printed by catchall, e.g. http://127.0.0.1:40214/ */
  constructor(baseUrl: string) {
    this.#base = new URL(baseUrl);
  }

  get(path: string): Promise<ApiResponse> {
    const url = new URL(path.replace(/^\//, ''), this.#base);
    return new Promise((resolve, reject) => {
      const request = http.get(url, { agent: this.#agent }, (response) => {
        const at = performance.now();
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), at }),
        );
        response.on('error', reject);
      });
      request.on('error', reject);
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
