// domain/ is pure (architecture.md, issue 3): no I/O modules, no clock, no timers.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const domainDir = new URL('../src/domain/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('domain/ purity', () => {
  const files = sourceFiles(domainDir);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('imports only other domain files', () => {
    const outside = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)]
      .map((m) => m[1])
      .filter((spec) => !spec.startsWith('./') && !spec.startsWith('../') || !join(file, '..', spec).startsWith(domainDir))
      .map((spec) => `${relative(domainDir, file)} imports ${spec}`));
    expect(outside).toEqual([]);
  });

  it('reads no clock and sets no timers', () => {
    const impure = files.filter((file) => /\bDate\.now\(|new Date\(\)|\bset(Timeout|Interval|Immediate)\(|\bprocess\./.test(readFileSync(file, 'utf8')))
      .map((file) => relative(domainDir, file));
    expect(impure).toEqual([]);
  });
});
