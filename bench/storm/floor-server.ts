// The floor of bench/storm.bench.ts: a bare ocpp-rpc server with no logic, in a process of its own
// as Fuseguard is. It takes the same transport settings as Fuseguard's station server (strict
// OCPP 1.6 validation both ways, the same validator), accepts every station, answers
// BootNotification Accepted and StatusNotification / MeterValues / Heartbeat, and keeps nothing.
// With a log file (the durable floor), it answers a MeterValues only once the message is on disk,
// as Fuseguard does: the messages of a turn are appended to the file together and synced
// (fdatasync), one sync at a time, the messages that came meanwhile sharing the next. What the
// machine's disk costs a durable server, without any other logic.
// Usage: node --import tsx bench/storm/floor-server.ts <port> [log file]; sends 'listening' over IPC.
import { open } from 'node:fs/promises';
import { createOcpp16Validator } from '../../src/ocpp/ocpp16-validator.js';
import { RPCServer } from '../../src/ocpp/rpc.js';

const port = Number(process.argv[2]);
const logFile = process.argv[3];
const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true, strictModeValidators: [createOcpp16Validator()], pingIntervalMs: 60_000, callTimeoutMs: 30_000 } as ConstructorParameters<typeof RPCServer>[0]);
const store = logFile ? await durableLog(logFile) : undefined;
server.on('client', (client) => {
  client.handle('BootNotification', () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }));
  client.handle('StatusNotification', () => ({}));
  client.handle('MeterValues', store ? async ({ params }: { params: unknown }) => { await store(JSON.stringify(params)); return {}; } : () => ({}));
  client.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
});
await server.listen(port, '127.0.0.1');
// Started through tsx: its compilation garbage would otherwise leave the idle RSS as the storm fills it.
(globalThis as { gc?: () => void }).gc?.();
process.send?.('listening');
process.once('SIGTERM', () => void server.close({ force: true }).then(() => process.exit(0)));

/**
 * Writes a line; resolves once it is on disk. The lines of a turn share one write and one sync. The
 * file is written ahead of time and then overwritten in a ring, as SQLite reuses its log: a sync
 * that also had to record a larger file would cost a journal commit each time.
 */
async function durableLog(file: string): Promise<(line: string) => Promise<void>> {
  const RING_BYTES = 64 << 20;
  const handle = await open(file, 'w+');
  const chunk = Buffer.alloc(1 << 20);
  for (let at = 0; at < RING_BYTES; at += chunk.length) await handle.write(chunk, 0, chunk.length, at);
  await handle.sync();
  let position = 0;
  let batch: { lines: string[]; done: Promise<void> } | null = null;
  let previous: Promise<void> = Promise.resolve();
  return (line) => {
    if (!batch) {
      const lines: string[] = [];
      // After the sync under way (one at a time), in the next turn: what comes meanwhile joins.
      const done = previous.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(async () => {
        if (batch?.lines === lines) batch = null;
        const bytes = Buffer.from(`${lines.join('\n')}\n`);
        if (position + bytes.length > RING_BYTES) position = 0;
        await handle.write(bytes, 0, bytes.length, position);
        position += bytes.length;
        await handle.datasync();
      });
      previous = done.catch(() => undefined);
      batch = { lines, done };
    }
    batch.lines.push(line);
    return batch.done;
  };
}
