// Issue 14, row 1: an unhandled rejection is logged and the process goes on; an uncaught
// exception is logged and the process exits with status 1 (a supervisor restarts it). Real child
// processes: Node's own default (exit on an unhandled rejection) is what the policy replaces.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const child = join(import.meta.dirname, 'fixtures/process-policy-child.ts');
const run = (mode: string) => spawnSync(process.execPath, ['--import', 'tsx', child, mode], { encoding: 'utf8', timeout: 30_000 });

describe('process policy for uncaught errors (issue 14, row 1)', () => {
  it('logs a rejection nobody handled and goes on serving', () => {
    const result = run('rejection');
    expect(result.stdout).toContain('logged rejection: a lost task');
    expect(result.stdout).toContain('still serving');
    expect(result.status).toBe(0);
  });

  it('logs an uncaught exception and exits with status 1', () => {
    const result = run('exception');
    expect(result.stdout).toContain('logged exception: a broken state');
    expect(result.stdout).not.toContain('still serving');
    expect(result.status).toBe(1);
  });
});
