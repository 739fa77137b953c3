/**
 * Where the machine's CPU went during a measured phase: the catchall server, this benchmark
 * process, and everything else. On a shared 2-core VM "everything else" (other builds, tests)
 * is the main source of noise, so each run reports it. Linux only (/proc); elsewhere null.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** /proc reports CPU time in clock ticks; 100 per second on every mainstream Linux build. */
const TICKS_PER_SECOND = 100;

export interface CpuShare {
  /** Percent of one core (200 = both cores of a 2-core machine). */
  readonly serverPercent: number | null;
  /** Of which catchall's main thread (SMTP, HTTP, parsing below 1 MiB); near 100 = saturated. */
  readonly serverMainThreadPercent: number | null;
  readonly clientPercent: number;
  /** Busy CPU of all other processes and the kernel, percent of one core. */
  readonly otherPercent: number | null;
}

interface Snapshot {
  readonly at: number;
  readonly server: number | null;
  readonly serverMain: number | null;
  readonly client: NodeJS.CpuUsage;
  readonly systemBusy: number | null;
}

export class CpuMeter {
  readonly #pid: number;
  #start: Snapshot;

  constructor(serverPid: number) {
    this.#pid = serverPid;
    this.#start = this.#snapshot();
  }

  /** Starts (again) from now. */
  reset(): void {
    this.#start = this.#snapshot();
  }

  /** Shares since the last reset. */
  read(): CpuShare {
    const end = this.#snapshot();
    const ms = end.at - this.#start.at;
    const client = process.cpuUsage(this.#start.client);
    const clientMs = (client.user + client.system) / 1000;
    const serverMs =
      end.server === null || this.#start.server === null ? null : end.server - this.#start.server;
    const busyMs =
      end.systemBusy === null || this.#start.systemBusy === null
        ? null
        : end.systemBusy - this.#start.systemBusy;
    const percent = (x: number) => (ms > 0 ? Math.round((x / ms) * 100) : 0);
    const mainMs =
      end.serverMain === null || this.#start.serverMain === null
        ? null
        : end.serverMain - this.#start.serverMain;
    return {
      serverPercent: serverMs === null ? null : percent(serverMs),
      serverMainThreadPercent: mainMs === null ? null : percent(mainMs),
      clientPercent: percent(clientMs),
      otherPercent:
        busyMs === null || serverMs === null ? null : Math.max(0, percent(busyMs - serverMs - clientMs)),
    };
  }

  #snapshot(): Snapshot {
    return {
      at: performance.now(),
      server: processCpuMs(this.#pid),
      // The main thread's task ID is the process ID.
      serverMain: cpuMsOf(`/proc/${this.#pid}/task/${this.#pid}/stat`),
      client: process.cpuUsage(),
      systemBusy: systemBusyMs(),
    };
  }
}

/** CPU time (user + system, all threads) of a process so far. */
export function processCpuMs(pid: number): number | null {
  return cpuMsOf(`/proc/${pid}/stat`);
}

function cpuMsOf(statFile: string): number | null {
  try {
    // /proc/<pid>/stat: the command name (field 2) may contain spaces, so split after its ")".
    const stat = readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 (utime) and 15 (stime) of the whole line are 11 and 12 after the name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Busy time of all CPUs so far (everything but idle and iowait). */
function systemBusyMs(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((s, x) => s + (x ?? 0), 0);
    return (busy * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

export interface Quiet {
  /** CPU use of the whole machine in the last 1-second sample, percent of one core. */
  readonly busyPercent: number | null;
  readonly waitedMs: number;
}

/**
 * Waits until the whole machine has been nearly idle (all processes together below
 * `maxBusyPercent` of one core) for a 1-second sample, or until `timeoutMs` has passed.
 * Returns the last sample's busy percentage and how long it waited.
 */
export async function waitForQuiet(timeoutMs: number, maxBusyPercent: number): Promise<Quiet> {
  const t0 = performance.now();
  for (;;) {
    const before = systemBusyMs();
    const at = performance.now();
    await new Promise((r) => setTimeout(r, 1000));
    const after = systemBusyMs();
    const busyPercent =
      before === null || after === null
        ? null
        : Math.round(((after - before) / (performance.now() - at)) * 100);
    const waitedMs = Math.round(performance.now() - t0);
    if (busyPercent === null || busyPercent <= maxBusyPercent || waitedMs >= timeoutMs) {
      return { busyPercent, waitedMs };
    }
  }
}

/** Resident memory of a process now and at its peak (VmRSS, VmHWM), in MB; null without /proc. */
export function processMemoryMb(pid: number): { rssMb: number; peakRssMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: Math.round(kb('VmRSS') / 1024), peakRssMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return null;
  }
}
