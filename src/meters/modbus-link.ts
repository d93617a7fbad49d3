// One Modbus connection to one meter, over modbus-serial, with a small typed surface.
// rtu-over-tcp uses connectTelnet: raw RTU frames (with CRC) through a transparent gateway.
// connectTcpRTUBuffered would wrap them in MBAP headers, which such a gateway passes to the bus.
import modbusSerial from 'modbus-serial';
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';
import { DEFAULT_MODBUS_PORT, type MeterConfig } from './meter-config.js';
import type { RegisterFunction } from './register-map.js';

// The package is CommonJS (`module.exports = ModbusRTU`) but typed as an ES default export.
const ModbusClient = modbusSerial as unknown as typeof ModbusRTU;

export interface ModbusLink {
  readRegisters(fn: RegisterFunction, address: number, count: number): Promise<number[]>;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

/** Opens the connection; rejects with the transport's error (ECONNREFUSED, ENOENT, ...). */
export async function openModbusLink(config: MeterConfig, timeoutMs: number): Promise<ModbusLink> {
  const client = new ModbusClient();
  // modbus-serial re-emits transport errors; the failed call carries them, so only swallow here.
  client.on('error', () => undefined);
  const port = config.port ?? DEFAULT_MODBUS_PORT;
  try {
    switch (config.protocol) {
      case 'tcp':
        await client.connectTCP(config.host ?? '', { port, timeout: timeoutMs });
        break;
      case 'rtu-over-tcp':
        await client.connectTelnet(config.host ?? '', { port, timeout: timeoutMs });
        break;
      case 'rtu':
        await client.connectRTUBuffered(config.device ?? '', {
          baudRate: config.baudRate ?? 9600, parity: config.parity ?? 'none', stopBits: config.stopBits ?? 1, dataBits: 8,
        });
        break;
    }
  } catch (err) {
    await closeClient(client);
    throw err;
  }
  client.setID(config.unitId);
  client.setTimeout(timeoutMs);
  return {
    async readRegisters(fn, address, count) {
      const result = fn === 'input'
        ? await client.readInputRegisters(address, count)
        : await client.readHoldingRegisters(address, count);
      return result.data;
    },
    get isOpen() {
      return client.isOpen;
    },
    close: () => closeClient(client),
  };
}

function closeClient(client: ModbusRTU): Promise<void> {
  return new Promise((resolve) => {
    try {
      client.close(() => resolve());
    } catch {
      resolve();
    }
    // close() never calls back on a port that never opened.
    setTimeout(resolve, 200).unref();
  });
}
