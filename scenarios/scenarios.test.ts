// Plays every scenario file in this folder (A12): each step's expectations and the A2 invariants.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScenario, playScenario } from '../src/domain/index.js';

const dir = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

describe('scenario files (A12)', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  for (const file of files) {
    const scenario = parseScenario(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    describe(`${file}: ${scenario.name} [${scenario.spec.join(', ')}]`, () => {
      it('expects something', () => {
        expect(scenario.steps.some((s) => s.expect !== undefined)).toBe(true);
      });
      const timeline = playScenario(scenario);
      for (const step of timeline) {
        it(`step ${step.index + 1}${step.label ? `: ${step.label}` : ''}`, () => {
          expect(step.violations).toEqual([]);
          expect(step.mismatches).toEqual([]);
        });
      }
    });
  }
});
