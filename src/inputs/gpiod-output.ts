// Command lines for, and output of, the libgpiod tools gpiomon/gpioget, in both generations:
//
// v1 (Debian bookworm, 1.6.x): `gpiomon [-b] [-B bias] <chip> <offset>` prints
//   `event:  RISING EDGE offset: 17 timestamp: [1700000000.123456789]`
//   `event: FALLING EDGE offset: 17 timestamp: [  12345.000000001]`
//   (`-b` = --line-buffered: without it stdout to a pipe is block-buffered and events arrive late.)
//   `gpioget <chip> <offset>` prints `1` or `0`.
// v2 (2.x): `gpiomon [-b bias] -c <chip> <offset>` prints `<time>\t<rising|falling>\t<line id>`,
//   e.g. `5813.432151089\trising\tgpiochip0 17` or, for a named line,
//   `2024-05-01T10:00:00.123456789Z\tfalling\tgpiochip0 17 "DI1"`; it flushes every event.
//   `gpioget -c <chip> <offset>` prints `"17"=active` / `"17"=inactive` (`1`/`0` with --numeric).
//   In v2 `-b` means --bias, so the generation must be known before building a command line.
// We never pass --active-low: levels are inverted here, the same way for every version.
import type { GpioBias } from './config.js';

export type GpiodGeneration = 1 | 2;

export interface GpioEdge {
  /** true = the line went electrically high (rising edge). */
  rising: boolean;
  /** The line offset when the line says it, else null (v2 prints names for named lines). */
  offset: number | null;
}

/** `gpiomon (libgpiod) v1.6.3` → 1. Null when the text is not a libgpiod version banner. */
export function parseGpiodVersion(text: string): GpiodGeneration | null {
  const m = /\(libgpiod\)\s+v?(\d+)\./.exec(text) ?? /\bv(\d+)\.\d+/.exec(text);
  if (!m) return null;
  const major = Number(m[1]);
  return major <= 1 ? 1 : 2;
}

const V1_EDGE = /^event:\s+(RISING|FALLING) EDGE\s+offset:\s*(\d+)/i;
// v2: time, tab, edge, tab, line id; tolerate spaces instead of tabs.
const V2_EDGE = /^\S+\s+(rising|falling)\s+(.*)$/i;

/** One line of gpiomon output; null for anything else (banners, blank lines, noise). */
export function parseGpiomonLine(line: string): GpioEdge | null {
  const text = line.trim();
  const v1 = V1_EDGE.exec(text);
  if (v1) return { rising: v1[1].toUpperCase() === 'RISING', offset: Number(v1[2]) };
  const v2 = V2_EDGE.exec(text);
  if (v2) {
    // Line id is `<chip> <offset>` optionally followed by the quoted name, or only the name.
    const id = /^\S+\s+(\d+)(?:\s|$)/.exec(v2[2]);
    return { rising: v2[1].toLowerCase() === 'rising', offset: id ? Number(id[1]) : null };
  }
  return null;
}

/** Output of gpioget for one line → electrical level; null when it cannot be read. */
export function parseGpiogetOutput(text: string): boolean | null {
  const t = text.trim();
  if (t === '1') return true;
  if (t === '0') return false;
  const m = /=\s*"?(active|inactive|1|0)"?\s*$/i.exec(t);
  if (!m) return null;
  const value = m[1].toLowerCase();
  return value === 'active' || value === '1';
}

function biasArgs(generation: GpiodGeneration, bias: GpioBias | undefined): string[] {
  if (bias === undefined || bias === 'as-is') return [];
  if (generation === 1) return ['-B', bias];
  return ['-b', bias === 'disable' ? 'disabled' : bias];
}

export function gpiomonArgs(generation: GpiodGeneration, chip: string, line: number, bias?: GpioBias): string[] {
  return generation === 1
    ? ['-b', ...biasArgs(1, bias), chip, String(line)]
    : [...biasArgs(2, bias), '-c', chip, String(line)];
}

export function gpiogetArgs(generation: GpiodGeneration, chip: string, line: number, bias?: GpioBias): string[] {
  return generation === 1 ? [...biasArgs(1, bias), chip, String(line)] : [...biasArgs(2, bias), '-c', chip, String(line)];
}
