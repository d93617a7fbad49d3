// W1: English and French hold the same messages, area by area, and every {placeholder} matches.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(process.cwd(), 'web/src/i18n');
const load = (lang: string, file: string) => JSON.parse(readFileSync(join(dir, lang, file), 'utf8')) as Record<string, string>;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message files (W1)', () => {
  const en = readdirSync(join(dir, 'en')).sort();
  it('has the same files in both languages', () => {
    expect(readdirSync(join(dir, 'fr')).sort()).toEqual(en);
  });
  for (const file of en) {
    it(`${file}: same keys and placeholders in French`, () => {
      const english = load('en', file);
      const french = load('fr', file);
      expect(Object.keys(french).sort()).toEqual(Object.keys(english).sort());
      for (const key of Object.keys(english)) expect(placeholders(french[key] ?? ''), key).toEqual(placeholders(english[key]));
    });
  }
});
