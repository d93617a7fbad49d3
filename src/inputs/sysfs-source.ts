// Legacy sysfs GPIO: export the line when needed, make it an input, poll its value file.
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_SYSFS_BASE_PATH, SOURCE_DEFAULTS, type GpioSysfsSource } from './config.js';
import type { SourceRunner, SourceSink } from './source.js';

export class SysfsSource implements SourceRunner {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private ready = false;
  private exportedByUs = false;
  private busy: Promise<void> = Promise.resolve();
  private readonly base: string;
  private readonly dir: string;

  constructor(private readonly config: GpioSysfsSource, private readonly sink: SourceSink) {
    this.base = config.basePath ?? DEFAULT_SYSFS_BASE_PATH;
    this.dir = join(this.base, `gpio${config.gpio}`);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.busy;
    if (this.exportedByUs) {
      // Give the line back as we found it; failure here only leaves it exported.
      await writeFile(join(this.base, 'unexport'), String(this.config.gpio)).catch(() => undefined);
      this.exportedByUs = false;
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.busy = this.step();
    }, delayMs);
  }

  private async step(): Promise<void> {
    let next = this.config.pollIntervalMs ?? SOURCE_DEFAULTS.sysfsPollIntervalMs;
    try {
      if (!this.ready) await this.setUp();
      const level = await this.read();
      if (!this.running) return;
      if (!this.ready) {
        this.ready = true;
        this.sink.connected(level);
      } else {
        this.sink.level(level);
      }
    } catch (error) {
      if (!this.running) return;
      this.ready = false;
      next = this.config.retryMs ?? SOURCE_DEFAULTS.sysfsRetryMs;
      this.sink.failed(error instanceof Error ? error.message : String(error));
    }
    this.schedule(next);
  }

  private async setUp(): Promise<void> {
    if (!(await exists(this.dir))) {
      const exported = await writeFile(join(this.base, 'export'), String(this.config.gpio)).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          // EBUSY: exported meanwhile by someone else, which is fine.
          if (error.code === 'EBUSY') return false;
          throw new Error(`cannot export GPIO ${this.config.gpio} through ${this.base}/export: ${error.message}`);
        },
      );
      this.exportedByUs ||= exported;
      // udev may need a moment to create the folder and set its permissions.
      for (let i = 0; i < 20 && this.running && !(await exists(this.dir)); i++) await sleep(50);
      if (!(await exists(this.dir))) throw new Error(`${this.dir} did not appear after export`);
    }
    const directionFile = join(this.dir, 'direction');
    const direction = await readFile(directionFile, 'utf8').then((t) => t.trim(), () => null);
    if (direction !== null && direction !== 'in') {
      await writeFile(directionFile, 'in').catch((error: Error) => {
        throw new Error(`cannot make GPIO ${this.config.gpio} an input (${directionFile}): ${error.message}`);
      });
    }
  }

  private async read(): Promise<boolean> {
    const file = join(this.dir, 'value');
    const text = (await readFile(file, 'utf8')).trim();
    if (text !== '0' && text !== '1') throw new Error(`${file} holds ${JSON.stringify(text.slice(0, 20))}, expected 0 or 1`);
    const electricalHigh = text === '1';
    return this.config.activeLow ? !electricalHigh : electricalHigh;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}
