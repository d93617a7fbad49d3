// The floor of bench/storm.bench.ts: a bare ocpp-rpc server with no logic, in a process of its own
// as Fuseguard is. It takes the same transport settings as Fuseguard's station server (strict
// OCPP 1.6 validation both ways, the same validator), accepts every station, answers
// BootNotification Accepted and StatusNotification / MeterValues / Heartbeat, and stores nothing.
// Usage: node --import tsx bench/storm/floor-server.ts <port>; sends 'listening' over IPC.
import { createOcpp16Validator } from '../../src/ocpp/ocpp16-validator.js';
import { RPCServer } from '../../src/ocpp/rpc.js';

const port = Number(process.argv[2]);
const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true, strictModeValidators: [createOcpp16Validator()], pingIntervalMs: 60_000, callTimeoutMs: 30_000 } as ConstructorParameters<typeof RPCServer>[0]);
server.on('client', (client) => {
  client.handle('BootNotification', () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }));
  client.handle('StatusNotification', () => ({}));
  client.handle('MeterValues', () => ({}));
  client.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
});
await server.listen(port, '127.0.0.1');
// Started through tsx: its compilation garbage would otherwise leave the idle RSS as the storm fills it.
(globalThis as { gc?: () => void }).gc?.();
process.send?.('listening');
process.once('SIGTERM', () => void server.close({ force: true }).then(() => process.exit(0)));
