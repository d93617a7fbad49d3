// A small reader for untrusted JSON: every error names the path, e.g. steps[2].events[0].connector.

export class ScenarioError extends Error {
  readonly code = 'SCENARIO_INVALID';
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'ScenarioError';
  }
}

export type Json = unknown;

export class Reader {
  constructor(readonly value: Json, readonly path: string) {}

  private fail(message: string): never {
    throw new ScenarioError(this.path, message);
  }

  at(key: string): Reader {
    return new Reader(this.object()[key], this.path ? `${this.path}.${key}` : key);
  }

  has(key: string): boolean {
    return this.object()[key] !== undefined;
  }

  object(): Record<string, Json> {
    const v = this.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail('must be an object');
    return v as Record<string, Json>;
  }

  /** Rejects keys outside the list, which catches typos in hand-written files. */
  only(keys: readonly string[]): this {
    for (const key of Object.keys(this.object())) {
      if (!keys.includes(key)) this.fail(`unknown field "${key}" (expected one of: ${keys.join(', ')})`);
    }
    return this;
  }

  array(): Reader[] {
    if (!Array.isArray(this.value)) this.fail('must be an array');
    return (this.value as Json[]).map((v, i) => new Reader(v, `${this.path}[${i}]`));
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail('must be a string');
    return this.value as string;
  }

  number(): number {
    if (typeof this.value !== 'number' || !Number.isFinite(this.value)) this.fail('must be a number');
    return this.value as number;
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail('must be true or false');
    return this.value as boolean;
  }

  oneOf<T extends string>(values: readonly T[]): T {
    const s = this.string();
    if (!(values as readonly string[]).includes(s)) this.fail(`must be one of ${values.join(', ')}`);
    return s as T;
  }

  error(message: string): never {
    return this.fail(message);
  }
}

export function optional<T>(r: Reader, key: string, read: (r: Reader) => T): T | undefined {
  return r.has(key) ? read(r.at(key)) : undefined;
}
