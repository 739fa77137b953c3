/** The DESIGN.md §5 budgets the benchmark holds catchall to (on the 2-core reference machine). */
import { parseSize } from './mail.ts';

/** Ingest msg/s by message size, for 10 connections. */
export const INGEST_TARGETS: ReadonlyMap<number, number> = new Map([
  [parseSize('2k'), 4000],
  [parseSize('100k'), 1000],
]);
export const TARGET_CONNECTIONS = 10;
/** From the 250 to the WebSocket `new` event and to a waiting `wait` request. */
export const IDLE_P50_MS = 2;
export const IDLE_P99_MS = 20;
export const PACED_P99_MS = 50;
/** The load the PACED_P99_MS budget is stated for, msg/s. */
export const PACED_RATE = 1000;
export const STARTUP_MS = 1000;
/** List and search pages with STORE_TARGET_MESSAGES stored, and resident memory then. */
export const PAGE_MS = 50;
export const RSS_MB = 200;
export const STORE_TARGET_MESSAGES = 100_000;
/** Probes (visibility, event, wait) use 2 KB messages, like the ingest scenario the budget refers to. */
export const PROBE_SIZE = parseSize('2k');
