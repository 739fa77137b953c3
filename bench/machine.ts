/**
 * A probe of the machine's state, taken before the scenarios: ingest is bound by latencies
 * (an fsync per group commit, a wake-up of the writer thread and back per batch, two TCP round
 * trips per message), which on a shared VM vary from hour to hour while plain CPU speed does not
 * (see "Reading the results" in README.md). Runs in this process, before catchall starts.
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { percentile } from './stats.ts';

export interface MachineProbe {
  /** 8 KiB written and fdatasync'd (one SQLite page and a commit), p50 and p90 of 200, in µs. */
  readonly fsyncP50Us: number;
  readonly fsyncP90Us: number;
  /** A message to a worker thread and its answer, p50 and p90 of 2,000, in µs. */
  readonly threadRoundTripP50Us: number;
  readonly threadRoundTripP90Us: number;
  /** A fixed integer loop (5 × 10^7 steps), in ms: plain CPU speed. */
  readonly cpuLoopMs: number;
}

export async function probeMachine(): Promise<MachineProbe> {
  const fsync = fsyncTimes(200).sort();
  const roundTrips = (await threadRoundTrips(2000)).sort();
  return {
    fsyncP50Us: Math.round(percentile(fsync, 50)),
    fsyncP90Us: Math.round(percentile(fsync, 90)),
    threadRoundTripP50Us: Math.round(percentile(roundTrips, 50)),
    threadRoundTripP90Us: Math.round(percentile(roundTrips, 90)),
    cpuLoopMs: Math.round(cpuLoop()),
  };
}

export function describeMachine(m: MachineProbe): string {
  return (
    `8 KiB write + fdatasync p50 ${m.fsyncP50Us} µs (p90 ${m.fsyncP90Us}), ` +
    `thread round trip p50 ${m.threadRoundTripP50Us} µs (p90 ${m.threadRoundTripP90Us}), ` +
    `CPU loop ${m.cpuLoopMs} ms`
  );
}

/** In the same temporary folder as the benchmark's databases (os.tmpdir()). */
function fsyncTimes(count: number): Float64Array {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-bench-probe-'));
  const page = Buffer.alloc(8192, 0x5a);
  const fd = openSync(path.join(dir, 'probe'), 'w');
  const times = new Float64Array(count);
  try {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      writeSync(fd, page, 0, page.length, i * page.length);
      fdatasyncSync(fd);
      times[i] = (performance.now() - t0) * 1000;
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

async function threadRoundTrips(count: number): Promise<Float64Array> {
  const worker = new Worker(
    "require('node:worker_threads').parentPort.on('message', (n) => require('node:worker_threads').parentPort.postMessage(n));",
    { eval: true },
  );
  const times = new Float64Array(count);
  try {
    for (let i = -100; i < count; i++) {
      const t0 = performance.now();
      await new Promise((resolve) => {
        worker.once('message', resolve);
        worker.postMessage(i);
      });
      if (i >= 0) times[i] = (performance.now() - t0) * 1000;
    }
  } finally {
    await worker.terminate();
  }
  return times;
}

function cpuLoop(): number {
  const t0 = performance.now();
  let x = 0;
  for (let i = 0; i < 5e7; i++) x = (x * 31 + i) | 0;
  const ms = performance.now() - t0;
  // Used, so the loop cannot be optimised away.
  return x === 0.5 ? ms + 1 : ms;
}
