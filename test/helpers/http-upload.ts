// A client that streams a large request body over a raw socket and stops as soon as the server
// answers or closes: how many bytes went out before then tells whether the server read the body.
import { connect } from 'node:net';

export interface UploadOutcome {
  /** The answer's status, or null when the connection closed without one. */
  status: number | null;
  /** Body bytes handed to the socket before the answer or the close. */
  bytesSent: number;
}

export interface UploadOptions {
  port: number;
  method?: string;
  path: string;
  contentType: string;
  totalBytes: number;
  headers?: Record<string, string>;
  /** Declare the length up front (content-length) instead of sending it chunked. */
  declareLength?: boolean;
  chunkBytes?: number;
}

export function streamUpload(options: UploadOptions): Promise<UploadOutcome> {
  const { port, path, contentType, totalBytes, declareLength = false, chunkBytes = 64 * 1024 } = options;
  const socket = connect(port, '127.0.0.1');
  const head = [
    `${options.method ?? 'POST'} ${path} HTTP/1.1`, `host: 127.0.0.1:${port}`, `content-type: ${contentType}`,
    declareLength ? `content-length: ${totalBytes}` : 'transfer-encoding: chunked',
    ...Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`), '', '',
  ].join('\r\n');
  const chunk = Buffer.alloc(chunkBytes, 0x41);
  let answer = '';
  let status: number | null = null;
  let ended = false;
  let bytesSent = 0;
  let wake = () => {};
  socket.on('data', (data) => {
    answer += data.toString('latin1');
    const match = /^HTTP\/1\.1 (\d{3})/.exec(answer);
    if (match && status === null) status = Number(match[1]);
    wake();
  });
  const finish = () => { ended = true; wake(); };
  socket.on('close', finish);
  socket.on('error', finish);
  return new Promise((resolve) => {
    socket.once('connect', async () => {
      socket.write(head);
      while (!ended && status === null && bytesSent < totalBytes) {
        const n = Math.min(chunkBytes, totalBytes - bytesSent);
        const data = n === chunkBytes ? chunk : chunk.subarray(0, n);
        const flushed = socket.write(declareLength ? data : Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), data, Buffer.from('\r\n')]));
        bytesSent += n;
        if (!flushed) await new Promise<void>((r) => { wake = r; socket.once('drain', r); });
      }
      if (!declareLength && !ended && status === null) socket.write('0\r\n\r\n');
      while (!ended && status === null) await new Promise<void>((r) => { wake = r; });
      socket.destroy();
      resolve({ status, bytesSent });
    });
  });
}
