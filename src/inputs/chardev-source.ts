// GPIO character device through the libgpiod tools: Node has no ioctl, so gpioget reads the
// level once and a long-running gpiomon reports every edge. A tool that exits is restarted.
//
// The line is requested by one process at a time, so gpioget must finish before gpiomon starts;
// an edge in that gap of a few milliseconds would be missed. A periodic resync (gpioget again)
// bounds how long such a miss can last.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SOURCE_DEFAULTS, type GpioChardevSource } from './config.js';
import { gpiogetArgs, gpiomonArgs, parseGpiodVersion, parseGpiogetOutput, parseGpiomonLine, type GpiodGeneration } from './gpiod-output.js';
import type { SourceRunner, SourceSink } from './source.js';

export interface GpiodTools {
  /** Command names or paths [gpiomon, gpioget], looked up on PATH. */
  gpiomon: string;
  gpioget: string;
}

const TOOL_TIMEOUT_MS = 5_000;
const KILL_GRACE_MS = 2_000;

export class ChardevSource implements SourceRunner {
  private running = false;
  private connected = false;
  private generation: GpiodGeneration | null = null;
  private monitor: ChildProcess | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private resyncTimer: NodeJS.Timeout | null = null;
  private cycle: Promise<void> = Promise.resolve();
  /** A running gpioget or `gpiomon --version`, killed by stop() so that it cannot delay it. */
  private tool: ChildProcess | null = null;

  constructor(
    private readonly config: GpioChardevSource,
    private readonly sink: SourceSink,
    private readonly tools: GpiodTools = { gpiomon: 'gpiomon', gpioget: 'gpioget' },
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.cycle = this.open();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.clearTimers();
    this.tool?.kill('SIGKILL');
    await this.cycle;
    await this.killMonitor();
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.retryTimer = this.resyncTimer = null;
  }

  /** Version (once), level with gpioget, then gpiomon. */
  private async open(): Promise<void> {
    try {
      this.generation ??= await this.detectGeneration();
      const level = await this.readLevel(this.generation);
      if (!this.running) return;
      this.startMonitor(this.generation);
      if (this.connected) this.sink.level(level);
      else this.sink.connected(level);
      this.connected = true;
      this.scheduleResync();
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
    }
  }

  private fail(reason: string): void {
    if (!this.running) return;
    this.connected = false;
    this.sink.failed(reason);
    this.clearTimers();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.cycle = this.open();
    }, this.config.retryMs ?? SOURCE_DEFAULTS.chardevRetryMs);
  }

  private scheduleResync(): void {
    const everyMs = this.config.resyncIntervalMs ?? SOURCE_DEFAULTS.chardevResyncIntervalMs;
    if (everyMs <= 0 || !this.running) return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = null;
      // A planned restart: the level stays valid meanwhile, so no failure is reported.
      this.cycle = this.killMonitor().then(() => (this.running ? this.open() : undefined));
    }, everyMs);
  }

  private async detectGeneration(): Promise<GpiodGeneration> {
    const { stdout } = await this.run(this.tools.gpiomon, ['--version']);
    const generation = parseGpiodVersion(stdout);
    if (generation === null) throw new Error(`${this.tools.gpiomon} --version did not print a libgpiod version: ${JSON.stringify(stdout.slice(0, 80))}`);
    return generation;
  }

  private async readLevel(generation: GpiodGeneration): Promise<boolean> {
    const { stdout } = await this.run(this.tools.gpioget, gpiogetArgs(generation, this.config.chip, this.config.line, this.config.bias));
    const electrical = parseGpiogetOutput(stdout);
    if (electrical === null) throw new Error(`cannot read the output of ${this.tools.gpioget}: ${JSON.stringify(stdout.slice(0, 80))}`);
    return this.logical(electrical);
  }

  private logical(electricalHigh: boolean): boolean {
    return this.config.activeLow ? !electricalHigh : electricalHigh;
  }

  private startMonitor(generation: GpiodGeneration): void {
    const args = gpiomonArgs(generation, this.config.chip, this.config.line, this.config.bias);
    const child = spawn(this.tools.gpiomon, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.monitor = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-500); });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (this.monitor !== child) return;
      const edge = parseGpiomonLine(line);
      if (edge === null) {
        if (line.trim() !== '') this.sink.note('gpiomon printed a line that is not an edge', { line: line.slice(0, 200) });
        return;
      }
      if (edge.offset !== null && edge.offset !== this.config.line) return;
      this.sink.level(this.logical(edge.rising));
    });
    const ended = (why: string): void => {
      if (this.monitor !== child) return; // stopped or replaced on purpose
      this.monitor = null;
      const detail = stderr.trim().split('\n').pop();
      this.fail(`${this.tools.gpiomon} ${why}${detail ? `: ${detail}` : ''}`);
    };
    child.on('error', (error) => ended(toolError(this.tools.gpiomon, error).message));
    child.on('exit', (code, signal) => ended(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  }

  private run(command: string, args: string[]): Promise<{ stdout: string }> {
    return new Promise((resolve, reject) => {
      const child = execFile(command, args, { timeout: TOOL_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
        if (this.tool === child) this.tool = null;
        if (!error) { resolve({ stdout }); return; }
        const detail = stderr.trim().split('\n').pop();
        reject(detail ? new Error(`${command} ${args.join(' ')} failed: ${detail}`) : toolError(command, error));
      });
      this.tool = child;
    });
  }

  private async killMonitor(): Promise<void> {
    const child = this.monitor;
    this.monitor = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
}

function toolError(command: string, error: { code?: string | number | null; message: string }): Error {
  if (error.code === 'ENOENT') return new Error(`${command} not found: install the libgpiod tools (Debian package gpiod)`);
  return new Error(`${command}: ${error.message}`);
}
