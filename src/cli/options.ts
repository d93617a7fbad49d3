// Options shared by several commands, with their defaults.
import { InvalidArgumentError, Option } from 'commander';

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_PORT = 8080;

export const dataDirOption = () => new Option('--data-dir <dir>', 'where the database and files live').default(DEFAULT_DATA_DIR);

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('must be a port number 0-65535');
  return port;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return n;
}
