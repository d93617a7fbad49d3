import ocppRpc from 'ocpp-rpc';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.js';
import type { StationAction } from './ocpp-types.js';

const { RPCInternalError, TimeoutError } = ocppRpc;

interface Harness {
  outbox: Outbox;
  sent: Array<{ action: StationAction; req: Record<string, unknown> }>;
  dropped: string[];
  online: boolean;
  clock: number;
  /** Next answers (or errors) to give, in order; default {} / a transaction id. */
  script: Array<unknown>;
}

function harness(): Harness {
  const h: Harness = { sent: [], dropped: [], online: true, clock: 0, script: [], outbox: undefined as unknown as Outbox };
  let nextTx = 100;
  h.outbox = new Outbox({
    send: async (action, req) => {
      h.sent.push({ action, req: req as unknown as Record<string, unknown> });
      const next = h.script.shift();
      if (next instanceof Error) throw next;
      if (next !== undefined) return next as never;
      return (action === 'StartTransaction' ? { idTagInfo: { status: 'Accepted' }, transactionId: nextTx++ } : {}) as never;
    },
    canSend: () => h.online,
    now: () => h.clock,
    retryPolicy: () => ({ attempts: 3, intervalS: 10 }),
    onStartAnswered: () => {},
    onDropped: (action, reason) => h.dropped.push(`${action}: ${reason}`),
  });
  return h;
}

const start = { connectorId: 1, idTag: 'A', meterStart: 0, timestamp: '2025-01-01T00:00:00.000Z' };
const mv = { connectorId: 1, meterValue: [{ timestamp: '2025-01-01T00:00:10.000Z', sampledValue: [{ value: '5' }] }] };
const stop = { meterStop: 10, timestamp: '2025-01-01T00:00:20.000Z' };

describe('Outbox', () => {
  it('sends in order and fills in the transactionId of the session', async () => {
    const h = harness();
    h.online = false;
    void h.outbox.pushTransaction('StartTransaction', start, 1);
    void h.outbox.pushTransaction('MeterValues', mv, 1);
    void h.outbox.pushTransaction('StartTransaction', { ...start, connectorId: 2 }, 2);
    void h.outbox.pushTransaction('StopTransaction', stop, 1);
    void h.outbox.pushTransaction('StopTransaction', stop, 2);
    expect(await h.outbox.push('Heartbeat', {})).toBeUndefined(); // not queued while offline
    expect(h.outbox.pending()).toEqual(['StartTransaction', 'MeterValues', 'StartTransaction', 'StopTransaction', 'StopTransaction']);
    h.online = true;
    h.outbox.kick();
    await h.outbox.whenIdle();
    expect(h.sent.map((s) => [s.action, s.req.transactionId])).toEqual([
      ['StartTransaction', undefined],
      ['MeterValues', 100],
      ['StartTransaction', undefined],
      ['StopTransaction', 100],
      ['StopTransaction', 101],
    ]);
    expect(h.outbox.transactionIdOf(2)).toBe(101);
  });

  it('keeps a message whose call lost the link at the head, and sends it again', async () => {
    const h = harness();
    h.script.push(new Error('Client disconnected'));
    const answered = h.outbox.pushTransaction('StartTransaction', start, 1);
    void h.outbox.pushTransaction('StopTransaction', stop, 1);
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(h.outbox.pending()).toEqual(['StartTransaction', 'StopTransaction']);
    h.outbox.kick();
    expect(await answered).toMatchObject({ transactionId: 100 });
    await h.outbox.whenIdle();
    expect(h.sent.map((s) => s.action)).toEqual(['StartTransaction', 'StartTransaction', 'StopTransaction']);
  });

  it('retries a CALLERROR after TransactionMessageRetryInterval × attempt, then gives up, with the rest of its session', async () => {
    const h = harness();
    const callError = () => Object.assign(new RPCInternalError('boom'), { rpcErrorCode: 'InternalError' });
    h.script.push(callError(), new TimeoutError('Call timeout'), callError());
    void h.outbox.pushTransaction('StartTransaction', start, 1);
    void h.outbox.pushTransaction('MeterValues', mv, 1);
    void h.outbox.pushTransaction('StopTransaction', stop, 1);
    await new Promise((r) => setImmediate(r));
    expect(h.sent).toHaveLength(1);
    h.clock = 9_999;
    h.outbox.kick();
    await new Promise((r) => setImmediate(r));
    expect(h.sent).toHaveLength(1);
    h.clock = 10_000;
    h.outbox.kick();
    await new Promise((r) => setImmediate(r));
    expect(h.sent).toHaveLength(2);
    h.clock = 30_000; // second retry waits 2 × 10 s
    h.outbox.kick();
    await h.outbox.whenIdle();
    expect(h.sent.map((s) => s.action)).toEqual(['StartTransaction', 'StartTransaction', 'StartTransaction']);
    expect(h.dropped).toHaveLength(3);
    expect(h.dropped[1]).toMatch(/^MeterValues: its StartTransaction was never answered/);
  });

  it('non-durable messages: rejected on CALLERROR, dropped when the link goes down', async () => {
    const h = harness();
    h.script.push(Object.assign(new RPCInternalError('no'), { rpcErrorCode: 'NotImplemented' }));
    await expect(h.outbox.push('DataTransfer', { vendorId: 'x' })).rejects.toMatchObject({ rpcErrorCode: 'NotImplemented' });
    h.online = false;
    const pending = h.outbox.push('Heartbeat', {});
    expect(await pending).toBeUndefined();
  });

  it('front messages jump the backlog, in the order they were pushed', async () => {
    const h = harness();
    h.online = false;
    void h.outbox.pushTransaction('StartTransaction', start, 1);
    h.online = true;
    // Statuses after a boot go before the backlog, in the order they were pushed.
    void h.outbox.push('StatusNotification', { connectorId: 0, status: 'Available', errorCode: 'NoError' }, true);
    void h.outbox.push('StatusNotification', { connectorId: 1, status: 'Charging', errorCode: 'NoError' }, true);
    await h.outbox.whenIdle();
    expect(h.sent.map((s) => [s.action, s.req.connectorId])).toEqual([
      ['StatusNotification', 0],
      ['StatusNotification', 1],
      ['StartTransaction', 1],
    ]);
  });
});
