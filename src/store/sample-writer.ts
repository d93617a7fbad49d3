// Group commit for meter samples: the samples of every MeterValues that arrives in the same
// turn of the event loop are written in one transaction, and each caller is answered only
// after that commit. Thousands of stations then cost a few commits a second, not thousands.
import type { NewMeterSample } from './schema.js';
import type { TransactionsRepository } from './repositories/transactions-repository.js';

interface Pending {
  samples: NewMeterSample[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class SampleWriter {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly transactions: TransactionsRepository) {}

  write(samples: NewMeterSample[]): Promise<void> {
    if (samples.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ samples, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const all = batch.flatMap((p) => p.samples);
    const latestEnergy = new Map<number, { wh: number; at: number }>();
    for (const s of all) {
      if (s.transaction_id == null || s.measurand !== 'Energy.Active.Import.Register' || s.phase != null) continue;
      const known = latestEnergy.get(s.transaction_id);
      if (!known || known.at <= s.at) latestEnergy.set(s.transaction_id, { wh: s.value, at: s.at });
    }
    try {
      await this.transactions.addSamples(all, latestEnergy);
      for (const p of batch) p.resolve();
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
