import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { InputsLogger } from './source.js';

describe('InputsLogger', () => {
  it('accepts the application pino logger', () => {
    const logger: InputsLogger = pino({ level: 'silent' });
    expect(typeof logger.warn).toBe('function');
  });
});
