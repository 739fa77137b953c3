import type { SummaryResult } from './parse-summary.ts';

/** Messages between the parse pool and its workers. */
export interface WorkerRequest {
  readonly job: number;
  readonly raw: Uint8Array;
}

export interface WorkerResponse {
  readonly job: number;
  readonly result: SummaryResult;
}
