import { describe, expect, it } from 'vitest';
import { gpiogetArgs, gpiomonArgs, parseGpiodVersion, parseGpiogetOutput, parseGpiomonLine } from './gpiod-output.js';

// Lines as the tools print them. v1: Debian bookworm's gpiod 1.6.3 (printf format
// "event: %s offset: %u timestamp: [%8ld.%09ld]" with " RISING EDGE" / "FALLING EDGE").
// v2: libgpiod 2.x gpiomon, "<time>\t<rising|falling>\t<chip> <offset>[ \"<name>\"]".
describe('gpiomon output', () => {
  it.each([
    ['event:  RISING EDGE offset: 17 timestamp: [1700000000.123456789]', true, 17],
    ['event: FALLING EDGE offset: 17 timestamp: [1700000001.000000001]', false, 17],
    ['event:  RISING EDGE offset: 4 timestamp: [   12345.000000042]', true, 4],
    ['5813.432151089\trising\tgpiochip0 17', true, 17],
    ['5813.532151089\tfalling\tgpiochip0 17', false, 17],
    ['2024-05-01T10:00:00.123456789Z\tfalling\tgpiochip1 3 "DI1"', false, 3],
    ['2024-05-01T12:00:00.123456789\trising\tgpiochip0 5 DI2', true, 5],
    ['5813.432151089\trising\t"DI1"', true, null],
    ['  5813.432151089  rising  gpiochip0 17  ', true, 17],
  ])('%j', (line, rising, offset) => {
    expect(parseGpiomonLine(line)).toEqual({ rising, offset });
  });

  it.each(['', 'Monitoring line \'17\'...', 'gpiomon: error waiting for events: No such device', 'event: something else', '1'])(
    'ignores %j', (line) => {
      expect(parseGpiomonLine(line)).toBeNull();
    },
  );
});

describe('gpioget output', () => {
  it.each([
    ['1\n', true], ['0\n', false], ['"17"=active\n', true], ['"17"=inactive\n', false],
    ['DI1=active', true], ['"17"=1', true], ['"17"=0', false],
  ])('%j', (text, level) => expect(parseGpiogetOutput(text)).toBe(level));

  it.each(['', 'error', '2', '"17"=maybe'])('cannot read %j', (text) => expect(parseGpiogetOutput(text)).toBeNull());
});

describe('libgpiod version and command lines', () => {
  it('tells the generations apart', () => {
    expect(parseGpiodVersion('gpiomon (libgpiod) v1.6.3\nCopyright (C) 2017-2018 Bartosz Golaszewski\n')).toBe(1);
    expect(parseGpiodVersion('gpiomon (libgpiod) v2.1.3\nCopyright (C) 2017-2023 Bartosz Golaszewski\n')).toBe(2);
    expect(parseGpiodVersion('something else')).toBeNull();
  });

  it('asks v1 for line-buffered output, and uses -c for the chip in v2 (where -b means bias)', () => {
    expect(gpiomonArgs(1, 'gpiochip0', 17)).toEqual(['-b', 'gpiochip0', '17']);
    expect(gpiomonArgs(1, 'gpiochip0', 17, 'pull-up')).toEqual(['-b', '-B', 'pull-up', 'gpiochip0', '17']);
    expect(gpiomonArgs(2, 'gpiochip0', 17)).toEqual(['-c', 'gpiochip0', '17']);
    expect(gpiomonArgs(2, 'gpiochip0', 17, 'disable')).toEqual(['-b', 'disabled', '-c', 'gpiochip0', '17']);
    expect(gpiogetArgs(1, '0', 3, 'as-is')).toEqual(['0', '3']);
    expect(gpiogetArgs(2, '/dev/gpiochip0', 3, 'pull-down')).toEqual(['-b', 'pull-down', '-c', '/dev/gpiochip0', '3']);
  });
});
