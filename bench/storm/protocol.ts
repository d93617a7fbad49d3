// The messages between bench/storm.bench.ts and the station simulator process (bench/storm/stations.ts).

/** Bench → simulator. */
export type StormCommand =
  | { cmd: 'storm'; url: string; ids: string[]; waveSize: number; provisioned: boolean; provisionTimeoutS: number }
  | { cmd: 'steady'; callsPerS: number; warmupS: number; measureS: number }
  | { cmd: 'check' }
  | { cmd: 'close' };

/** Simulator → bench. Times are ms since the storm began, latencies ms. */
export type StormReport =
  | { event: 'ready' }
  | { event: 'booted'; bootedMs: number; booted: number; failed: number; bootP50Ms: number; bootP99Ms: number }
  | { event: 'provisioned'; provisionedMs: number; provisioned: number; commandsByAction: Record<string, number> }
  | { event: 'measuring' }
  /** `commandsByAction`: what the server sent the stations in the measured window (a renewal wave, or none). */
  | {
    event: 'steady'; calls: number; errors: number; p50Ms: number; p99Ms: number; callsPerS: number; clientCpuPct: number; commandsByAction: Record<string, number>;
    /** Each second of the measured window: calls started in it, their p99 and slowest, commands the stations received, this process's longest stall. */
    seconds: Array<{ atS: number; calls: number; p99Ms: number; maxMs: number; commands: number; stationsStallMs: number }>;
  }
  | { event: 'checked'; connected: number; failsafeHeld: number; failsafeAboveZero: number }
  | { event: 'closed' };
