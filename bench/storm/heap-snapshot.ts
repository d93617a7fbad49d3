// Self size by type from a V8 .heapsnapshot, as DevTools' "Summary" groups it (objects by
// constructor name, the rest by kind). Read line by line: a snapshot of a large heap is bigger
// than the longest string JSON.parse takes, and V8 writes one node and one string per line.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Bytes by type: constructor name for objects, "(kind)" for strings, code, arrays, closures... */
export type HeapByType = Map<string, { bytes: number; count: number }>;

interface Meta {
  node_fields: string[];
  node_types: [string[], ...unknown[]];
}

export async function heapByType(file: string): Promise<HeapByType> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let section: 'head' | 'nodes' | 'skip' | 'strings' = 'head';
  let meta: Meta | null = null;
  // Summed as they stream by, keyed by type index and name index: the names come last.
  const sums = new Map<number, { bytes: number; count: number }>();
  const node: number[] = [];
  const strings: string[] = [];
  const addNumbers = (text: string): void => {
    const fields = (meta as Meta).node_fields;
    for (const part of text.split(',')) {
      const digits = part.replace(/[^0-9]/g, '');
      if (digits === '') continue;
      node.push(Number(digits));
      if (node.length < fields.length) continue;
      const key = node[fields.indexOf('type')] * 2 ** 32 + node[fields.indexOf('name')];
      const entry = sums.get(key) ?? { bytes: 0, count: 0 };
      entry.bytes += node[fields.indexOf('self_size')];
      entry.count += 1;
      sums.set(key, entry);
      node.length = 0;
    }
  };
  for await (const line of lines) {
    if (section === 'head') {
      if (line.startsWith('{"snapshot":')) meta = (JSON.parse(line.replace(/^\{"snapshot":/, '').replace(/,$/, '')) as { meta: Meta }).meta;
      else if (line.startsWith('"nodes":[')) { section = 'nodes'; addNumbers(line.slice(9)); }
    } else if (section === 'nodes') {
      if (line.startsWith('"')) section = 'skip'; else addNumbers(line);
    } else if (section === 'skip') {
      if (line.startsWith('"strings":[')) { section = 'strings'; strings.push(JSON.parse(line.slice(11).replace(/(,|\]\})$/, '')) as string); }
    } else {
      strings.push(JSON.parse(line.replace(/(,|\]\})$/, '')) as string);
    }
  }
  if (!meta) throw new Error(`${file}: not a heap snapshot`);
  const types = meta.node_types[0];
  const byType: HeapByType = new Map();
  for (const [key, sum] of sums) {
    const type = types[Math.floor(key / 2 ** 32)];
    const name = type === 'object' || type === 'native' ? strings[key % 2 ** 32] : `(${type === 'concatenated string' || type === 'sliced string' ? 'string' : type})`;
    const entry = byType.get(name) ?? { bytes: 0, count: 0 };
    entry.bytes += sum.bytes;
    entry.count += sum.count;
    byType.set(name, entry);
  }
  return byType;
}

/** `after` minus `before`, type by type, largest growth first. */
export function heapGrowth(before: HeapByType, after: HeapByType): Array<{ type: string; bytes: number; count: number }> {
  return [...after].map(([type, a]) => ({ type, bytes: a.bytes - (before.get(type)?.bytes ?? 0), count: a.count - (before.get(type)?.count ?? 0) }))
    .sort((x, y) => y.bytes - x.bytes);
}
