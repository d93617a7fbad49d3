// Zone history (W4): from every control-loop round, per zone and phase, the limit, the allocated
// and the measured current, folded into buckets of 30 s and stored when a bucket is complete.
// A bucket holds the worst case of its window: the lowest limit, the highest allocated and the
// highest measured current. Points older than 7 days are pruned (checked at most once an hour).
import type { AllocationResult } from '../domain/index.js';
import type { ZoneHistoryPoint, ZoneHistoryRepository } from '../store/repositories/zone-history-repository.js';

export const HISTORY_BUCKET_MS = 30_000;
export const HISTORY_KEEP_MS = 7 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;

export interface ZoneHistoryOptions {
  now: () => number;
  bucketMs?: number;
  keepMs?: number;
  onError?: (error: unknown) => void;
}

type Triple = [number, number, number];
const round = (value: number) => Math.round(value * 100) / 100;
const triple = (values: readonly number[]): Triple => [round(values[0] ?? 0), round(values[1] ?? 0), round(values[2] ?? 0)];
const fold = (a: Triple, b: Triple, pick: (x: number, y: number) => number): Triple => [pick(a[0], b[0]), pick(a[1], b[1]), pick(a[2], b[2])];

export class ZoneHistoryRecorder {
  readonly bucketMs: number;
  readonly keepMs: number;
  /** The bucket being filled, per zone. */
  private readonly open = new Map<string, ZoneHistoryPoint>();
  private writing: Promise<void> = Promise.resolve();
  private lastPruneAt = 0;

  constructor(private readonly repository: ZoneHistoryRepository, private readonly options: ZoneHistoryOptions) {
    this.bucketMs = options.bucketMs ?? HISTORY_BUCKET_MS;
    this.keepMs = options.keepMs ?? HISTORY_KEEP_MS;
  }

  /** Folds one round into the open buckets; the buckets it closes are written. */
  record(result: AllocationResult): void {
    const at = Math.floor(result.at / this.bucketMs) * this.bucketMs;
    const closed: ZoneHistoryPoint[] = [];
    for (const [zone, point] of this.open) {
      if (point.at < at) { closed.push(point); this.open.delete(zone); }
    }
    for (const report of result.zones) {
      const point: ZoneHistoryPoint = {
        zone: report.zone, at, limitA: triple(report.limitA), allocatedA: triple(report.allocatedA), measuredA: triple(report.evMeasuredA),
      };
      const current = this.open.get(report.zone);
      this.open.set(report.zone, current ? {
        zone: report.zone, at,
        limitA: fold(current.limitA, point.limitA, Math.min),
        allocatedA: fold(current.allocatedA, point.allocatedA, Math.max),
        measuredA: fold(current.measuredA, point.measuredA, Math.max),
      } : point);
    }
    if (closed.length > 0) this.write(closed);
  }

  /** Writes the open buckets too (at close); resolves when every write is done. */
  async flush(): Promise<void> {
    const open = [...this.open.values()];
    this.open.clear();
    this.write(open);
    await this.writing;
  }

  /** A zone's points from `since`, oldest first, the open bucket included. */
  async points(zone: string, since: number): Promise<ZoneHistoryPoint[]> {
    await this.writing;
    const stored = await this.repository.list(zone, since);
    const open = this.open.get(zone);
    if (open && open.at >= since) return [...stored.filter((p) => p.at !== open.at), open];
    return stored;
  }

  private write(points: ZoneHistoryPoint[]): void {
    const now = this.options.now();
    const prune = now - this.lastPruneAt >= PRUNE_EVERY_MS;
    if (prune) this.lastPruneAt = now;
    this.writing = this.writing.then(async () => {
      await this.repository.add(points);
      if (prune) await this.repository.prune(now - this.keepMs);
    }).catch((error: unknown) => this.options.onError?.(error));
  }
}
