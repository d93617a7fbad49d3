// Validation of digital input configs from a site file, the CLI or the API. Every error names
// its field (`inputs[1].source.topic`); the rules shared with the domain come from
// validateDigitalInputs so that both sides agree.
import { validateDigitalInputs } from '../domain/limits/digital-inputs.js';
import {
  DEFAULT_HIGH_PAYLOADS,
  DEFAULT_LOW_PAYLOADS,
  type DigitalInputConfig,
  type SignalSource,
  type SignalSourceKind,
} from './config.js';

export interface InputConfigError {
  /** `inputs[1].source.topic` */
  field: string;
  /** The same place as a JSON Pointer (`/inputs/1/source/topic`), like the site file errors. */
  pointer: string;
  message: string;
}

export type InputConfigValidation = { ok: true; configs: DigitalInputConfig[] } | { ok: false; errors: InputConfigError[] };

type Path = readonly (string | number)[];
type Obj = Record<string, unknown>;

const KINDS: readonly SignalSourceKind[] = ['gpio-chardev', 'gpio-sysfs', 'mqtt', 'manual'];
const BIASES = ['as-is', 'pull-up', 'pull-down', 'disable'];
const INPUT_FIELDS = ['id', 'enabled', 'pct', 'failSafeHigh', 'source'];
const SOURCE_FIELDS: Record<SignalSourceKind, readonly string[]> = {
  'gpio-chardev': ['kind', 'chip', 'line', 'activeLow', 'bias', 'retryMs', 'resyncIntervalMs'],
  'gpio-sysfs': ['kind', 'gpio', 'activeLow', 'basePath', 'pollIntervalMs', 'retryMs'],
  mqtt: ['kind', 'url', 'topic', 'username', 'password', 'highPayloads', 'lowPayloads', 'reconnectMs'],
  manual: ['kind', 'high'],
};

export function formatInputConfigError(e: InputConfigError): string {
  return `${e.field}: ${e.message}`;
}

/** Checks `value` (parsed JSON) as the list of digital inputs. `base` is the list's own path. */
export function validateInputConfigs(value: unknown, base: Path = ['inputs']): InputConfigValidation {
  const v = new Validator();
  if (!Array.isArray(value)) {
    v.error(base, 'must be a list of digital inputs');
    return { ok: false, errors: v.errors };
  }
  value.forEach((input: unknown, i) => checkInput(v, input, [...base, i]));
  if (v.errors.length === 0) {
    const configs = value as DigitalInputConfig[];
    sharedRules(v, configs, base);
    sameLineTwice(v, configs, base);
  }
  return v.errors.length > 0 ? { ok: false, errors: v.errors } : { ok: true, configs: value as DigitalInputConfig[] };
}

function sharedRules(v: Validator, configs: DigitalInputConfig[], base: Path): void {
  // The domain reports duplicates in list order, one per repeated occurrence: find their indexes.
  const repeats: number[] = [];
  const ids = new Set<string>();
  configs.forEach((c, i) => { if (ids.has(c.id)) repeats.push(i); ids.add(c.id); });
  for (const e of validateDigitalInputs(configs.map((c) => ({ id: c.id, enabled: c.enabled, pct: c.pct, high: false })))) {
    if (e.rule === 'too-many-inputs') v.error(base, e.message);
    else if (e.rule === 'unique-id') v.error([...base, repeats.shift() ?? 0, 'id'], e.message);
    else v.error([...base, Math.max(0, configs.findIndex((c) => c.id === e.input)), 'pct'], e.message);
  }
}

/** Two inputs on one GPIO line would fight over it (the character device grants it once). */
function sameLineTwice(v: Validator, configs: DigitalInputConfig[], base: Path): void {
  const owner = new Map<string, string>();
  configs.forEach((c, i) => {
    const s = c.source;
    const key = s.kind === 'gpio-chardev' ? `chardev:${s.chip}:${s.line}` : s.kind === 'gpio-sysfs' ? `sysfs:${s.basePath ?? ''}:${s.gpio}` : null;
    if (key === null) return;
    const other = owner.get(key);
    if (other !== undefined) v.error([...base, i, 'source', s.kind === 'gpio-chardev' ? 'line' : 'gpio'], `is already used by input "${other}"`);
    else owner.set(key, c.id);
  });
}

function checkInput(v: Validator, input: unknown, path: Path): void {
  if (!isObj(input)) { v.error(path, 'must be an object'); return; }
  v.unknownFields(input, INPUT_FIELDS, path);
  v.string(input, 'id', path, { pattern: /^[A-Za-z0-9_.-]{1,32}$/, hint: '1 to 32 letters, digits, _ . or -' });
  v.boolean(input, 'enabled', path);
  v.integer(input, 'pct', path, { min: 0, max: 99 });
  v.boolean(input, 'failSafeHigh', path, false);
  const source = input.source;
  const sp = [...path, 'source'];
  if (source === undefined) { v.error(sp, 'is required'); return; }
  if (!isObj(source)) { v.error(sp, 'must be an object'); return; }
  const kind = source.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    v.error([...sp, 'kind'], kind === undefined ? 'is required' : `must be one of ${KINDS.join(', ')}`);
    return;
  }
  checkSource(v, source, kind as SignalSourceKind, sp);
}

function checkSource(v: Validator, s: Obj, kind: SignalSource['kind'], sp: Path): void {
  v.unknownFields(s, SOURCE_FIELDS[kind], sp);
  switch (kind) {
    case 'gpio-chardev':
      // A leading '-' would be read by the tools as an option.
      v.string(s, 'chip', sp, { pattern: /^[^\s-][^\s]*$/, hint: 'a chip name, number or /dev path, e.g. gpiochip0' });
      v.integer(s, 'line', sp, { min: 0, max: 1023 });
      v.boolean(s, 'activeLow', sp, false);
      if (s.bias !== undefined && !BIASES.includes(s.bias as string)) v.error([...sp, 'bias'], `must be one of ${BIASES.join(', ')}`);
      v.integer(s, 'retryMs', sp, { min: 10, max: 600_000, required: false });
      v.integer(s, 'resyncIntervalMs', sp, { min: 0, max: 86_400_000, required: false });
      return;
    case 'gpio-sysfs':
      v.integer(s, 'gpio', sp, { min: 0, max: 65_535 });
      v.boolean(s, 'activeLow', sp, false);
      v.string(s, 'basePath', sp, { required: false, pattern: /^\//, hint: 'an absolute path' });
      v.integer(s, 'pollIntervalMs', sp, { min: 10, max: 60_000, required: false });
      v.integer(s, 'retryMs', sp, { min: 10, max: 600_000, required: false });
      return;
    case 'mqtt':
      checkMqtt(v, s, sp);
      return;
    case 'manual':
      v.boolean(s, 'high', sp, false);
      return;
  }
}

function checkMqtt(v: Validator, s: Obj, sp: Path): void {
  if (v.string(s, 'url', sp)) {
    let protocol = '';
    try { protocol = new URL(s.url as string).protocol; } catch { /* reported below */ }
    if (!['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(protocol)) v.error([...sp, 'url'], 'must be a URL like mqtt://127.0.0.1:1883 (mqtt, mqtts, ws or wss)');
  }
  if (v.string(s, 'topic', sp) && /[+#]/.test(s.topic as string)) v.error([...sp, 'topic'], 'must be one topic, without the wildcards + or #');
  v.string(s, 'username', sp, { required: false });
  v.string(s, 'password', sp, { required: false, allowEmpty: true });
  const high = v.payloads(s, 'highPayloads', sp) ?? DEFAULT_HIGH_PAYLOADS;
  const low = v.payloads(s, 'lowPayloads', sp) ?? DEFAULT_LOW_PAYLOADS;
  const both = high.filter((p) => low.includes(p));
  if (both.length > 0) v.error([...sp, s.lowPayloads !== undefined ? 'lowPayloads' : 'highPayloads'], `${both.map((p) => JSON.stringify(p)).join(', ')} cannot mean both high and low`);
  v.integer(s, 'reconnectMs', sp, { min: 10, max: 600_000, required: false });
}

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

class Validator {
  readonly errors: InputConfigError[] = [];

  error(path: Path, message: string): void {
    const field = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
    this.errors.push({ field, pointer: `/${path.join('/')}`, message });
  }

  unknownFields(o: Obj, known: readonly string[], path: Path): void {
    for (const key of Object.keys(o)) if (!known.includes(key)) this.error([...path, key], 'is not a known field');
  }

  string(o: Obj, key: string, path: Path, opts: { required?: boolean; pattern?: RegExp; hint?: string; allowEmpty?: boolean } = {}): boolean {
    const x = o[key];
    if (x === undefined) { if (opts.required !== false) this.error([...path, key], 'is required'); return false; }
    if (typeof x !== 'string' || (x === '' && !opts.allowEmpty)) { this.error([...path, key], 'must be a non-empty string'); return false; }
    if (opts.pattern && !opts.pattern.test(x)) { this.error([...path, key], `must be ${opts.hint ?? `like ${opts.pattern}`}`); return false; }
    return true;
  }

  boolean(o: Obj, key: string, path: Path, required = true): void {
    const x = o[key];
    if (x === undefined) { if (required) this.error([...path, key], 'is required'); return; }
    if (typeof x !== 'boolean') this.error([...path, key], 'must be true or false');
  }

  integer(o: Obj, key: string, path: Path, opts: { min: number; max: number; required?: boolean }): void {
    const x = o[key];
    if (x === undefined) { if (opts.required !== false) this.error([...path, key], 'is required'); return; }
    if (typeof x !== 'number' || !Number.isInteger(x) || x < opts.min || x > opts.max) {
      this.error([...path, key], `must be a whole number ${opts.min}–${opts.max}`);
    }
  }

  payloads(o: Obj, key: string, path: Path): readonly string[] | undefined {
    const x = o[key];
    if (x === undefined) return undefined;
    if (!Array.isArray(x) || x.length === 0 || !x.every((p) => typeof p === 'string' && p.trim() !== '' && p === p.trim())) {
      this.error([...path, key], 'must be a non-empty list of non-empty payload strings without surrounding spaces');
      return undefined;
    }
    return x as string[];
  }
}
