// The firmware files in the data folder (firmware/{id}.bin), and the secret the download URLs are
// signed with (firmware/url-secret, created on first use, readable by Fuseguard's user alone).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SECRET_BYTES = 32;

export class FirmwareFiles {
  private secret: Promise<Buffer> | undefined;

  constructor(private readonly dataDir: string) {}

  private get dir(): string {
    return join(this.dataDir, 'firmware');
  }

  private pathOf(id: string): string {
    return join(this.dir, `${id}.bin`);
  }

  /** Stores `content` under a new id; written aside, then renamed, so a file is whole or absent. */
  async save(content: Buffer): Promise<{ id: string; sizeBytes: number; sha256: string }> {
    await mkdir(this.dir, { recursive: true });
    const id = randomBytes(8).toString('hex');
    const aside = `${this.pathOf(id)}.part`;
    await writeFile(aside, content, { mode: 0o600 });
    await rename(aside, this.pathOf(id));
    return { id, sizeBytes: content.length, sha256: createHash('sha256').update(content).digest('hex') };
  }

  open(id: string): ReadStream {
    return createReadStream(this.pathOf(id));
  }

  async remove(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
  }

  /** The signing secret; made once, kept in the data folder (a backup does not carry it: URLs given out before a restore stop working). */
  urlSecret(): Promise<Buffer> {
    this.secret ??= this.loadSecret().catch((error: unknown) => {
      this.secret = undefined;
      throw error;
    });
    return this.secret;
  }

  /**
   * The secret, made once. Written to a temporary file and renamed into place, so that a crash
   * never leaves an empty or partial key (a short key would let anyone forge URLs); one that is
   * not a whole key is made again (the URLs signed with it stop working, which is safe).
   */
  private async loadSecret(): Promise<Buffer> {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, 'url-secret');
    const stored = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const key = /^[0-9a-f]+$/.test(stored.trim()) ? Buffer.from(stored.trim(), 'hex') : Buffer.alloc(0);
    if (key.length === SECRET_BYTES) return key;
    const fresh = randomBytes(SECRET_BYTES);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, fresh.toString('hex'), { mode: 0o600 });
    await rename(temporary, file);
    return fresh;
  }
}
