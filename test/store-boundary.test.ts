// SQL lives in src/store/ only (architecture.md, issue 16 item 14): no other source file builds a
// query (Kysely's builders or a sql`` template) or takes the database handle's query methods.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const srcDir = new URL('../src/', import.meta.url).pathname;
const storeDir = join(srcDir, 'store');
const QUERY = /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(|\bsql`|\bsql<|\.executeQuery\(|\.schema\.(createTable|alterTable|dropTable|createIndex)\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === storeDir ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the store boundary', () => {
  it('no source file outside src/store/ writes SQL', () => {
    const files = sourceFiles(srcDir);
    expect(files.length).toBeGreaterThan(50);
    const outside = files.flatMap((file) => readFileSync(file, 'utf8').split('\n')
      .map((line, i) => ({ line, at: `${relative(srcDir, file)}:${i + 1}` }))
      .filter(({ line }) => QUERY.test(line))
      .map(({ at, line }) => `${at}: ${line.trim()}`));
    expect(outside).toEqual([]);
  });
});
