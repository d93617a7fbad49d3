import { describe, expect, it } from 'vitest';
import { HashGate, HashGateBusy } from './hash-gate.js';

/** A task that ends when told to. */
function pending(): { task: () => Promise<string>; end: () => void; started: () => boolean } {
  let end = () => {};
  let started = false;
  return {
    task: () => { started = true; return new Promise<string>((resolve) => { end = () => resolve('done'); }); },
    end: () => end(),
    started: () => started,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('password hash gate (issue 14, row 3b)', () => {
  it('runs at most `concurrency` at once, queues up to `maxWaiting`, refuses beyond at once with 503', async () => {
    const gate = new HashGate({ concurrency: 2, maxWaiting: 2, maxPerKey: 10 });
    const tasks = Array.from({ length: 5 }, pending);
    const results = tasks.map((t, i) => gate.run(`k${i}`, t.task).then((v) => v, (e: unknown) => e));
    await settle();
    expect(tasks.map((t) => t.started())).toEqual([true, true, false, false, false]);
    const refused = await results[4];
    expect(refused).toBeInstanceOf(HashGateBusy);
    expect((refused as HashGateBusy).statusCode).toBe(503);
    tasks[0].end();
    await settle();
    expect(tasks[2].started()).toBe(true); // first come, first served
    for (const t of tasks.slice(1, 4)) { t.end(); await settle(); }
    expect(await Promise.all(results.slice(0, 4))).toEqual(['done', 'done', 'done', 'done']);
    expect(gate.stats()).toMatchObject({ running: 0, waiting: 0, peakRunning: 2, refused: 1 });
  });

  it('refuses a key beyond its share with 429, and counts its tasks again once they end', async () => {
    const gate = new HashGate({ concurrency: 1, maxWaiting: 10, maxPerKey: 2 });
    const [a, b] = [pending(), pending()];
    const ra = gate.run('ip:1', a.task);
    const rb = gate.run('ip:1', b.task);
    const third = await gate.run('ip:1', async () => 'x').catch((e: unknown) => e);
    expect(third).toBeInstanceOf(HashGateBusy);
    expect((third as HashGateBusy).statusCode).toBe(429);
    const other = gate.run('ip:2', async () => 'other'); // another key is let in
    await settle();
    a.end();
    await settle();
    b.end();
    await Promise.all([ra, rb]);
    expect(await other).toBe('other');
    await expect(gate.run('ip:1', async () => 'again')).resolves.toBe('again');
  });

  it('a full line makes room for a key with fewer tasks: the newest of the key with the most is pushed out', async () => {
    const gate = new HashGate({ concurrency: 1, maxWaiting: 3, maxPerKey: 10 });
    const flood = Array.from({ length: 4 }, pending);
    const floodResults = flood.map((t) => gate.run('ip:flood', t.task).then(() => 'ok', (e: unknown) => e));
    await settle();
    // Running 1, waiting 3, all of one address: a newcomer from another address gets in.
    const real = pending();
    const realResult = gate.run('ip:admin', real.task);
    expect(await floodResults[3]).toBeInstanceOf(HashGateBusy); // the newest waiting flood task
    // Then a newcomer from each of two more addresses pushes out another flood task...
    const others = [pending(), pending()];
    const otherResults = others.map((t, i) => gate.run(`ip:other${i}`, t.task));
    expect(await floodResults[2]).toBeInstanceOf(HashGateBusy);
    expect(await floodResults[1]).toBeInstanceOf(HashGateBusy);
    // ...and once every waiting address has one, the line is full for everyone.
    const late = await gate.run('ip:late', async () => 'x').catch((e: unknown) => e);
    expect((late as HashGateBusy).statusCode).toBe(503);
    flood[0].end();
    await settle();
    expect(real.started()).toBe(true);
    real.end();
    await expect(realResult).resolves.toBe('done');
    for (const t of others) { await settle(); t.end(); }
    await Promise.all(otherResults);
    expect(await floodResults[0]).toBe('ok');
    expect(gate.stats()).toMatchObject({ running: 0, waiting: 0, peakRunning: 1, refused: 4 });
  });

  it('a task that fails frees its slot', async () => {
    const gate = new HashGate({ concurrency: 1, maxWaiting: 0, maxPerKey: 1 });
    await expect(gate.run('k', async () => { throw new Error('scrypt failed'); })).rejects.toThrow('scrypt failed');
    await expect(gate.run('k', async () => 'next')).resolves.toBe('next');
    expect(gate.stats()).toMatchObject({ running: 0, waiting: 0 });
  });
});
