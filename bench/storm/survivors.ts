// What outlives the young generation in Fuseguard's steady phase (BENCH_STORM_SURVIVORS=1): V8's
// sampling heap profiler through the inspector (Fuseguard runs with --inspect on a port of the
// bench's), over the phase, keeping only the samples of objects not collected by its end. At
// 10,000 stations no major collection falls in the phase, so that is what the scavenges promoted
// (garbage in the old generation until the next major collection) and what is still live.
// Promoted objects make each scavenge slower (it copies them) and the heap grow (issue 15).
// (A small run may have major collections in the phase: it then shows only what is live.)
import { WebSocket } from 'ws';

export interface SurvivorSite {
  /** The allocating function and file:line, '<', its caller's. */
  site: string;
  bytes: number;
}

export interface Survivors {
  /** Stops the sampling; bytes sampled by allocation site, largest first. */
  stop(): Promise<SurvivorSite[]>;
}

interface ProfileNode { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: ProfileNode[] }

export async function sampleSurvivors(inspectPort: number): Promise<Survivors> {
  const targets = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json() as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id === undefined) return;
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  });
  const call = (method: string, params: object = {}): Promise<unknown> => new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });
  await call('HeapProfiler.enable');
  await call('HeapProfiler.startSampling', { samplingInterval: 32_768, includeObjectsCollectedByMajorGC: false, includeObjectsCollectedByMinorGC: false });
  return {
    async stop() {
      const { profile } = await call('HeapProfiler.stopSampling') as { profile: { head: ProfileNode } };
      socket.close();
      const bySite = new Map<string, number>();
      const walk = (node: ProfileNode, caller: string) => {
        const { functionName, url, lineNumber } = node.callFrame;
        const here = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(src|dist|node_modules)\//, '$1/')}:${lineNumber + 1}`;
        const site = `${here} < ${caller}`;
        if (node.selfSize > 0) bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
        for (const child of node.children) walk(child, here);
      };
      walk(profile.head, '');
      return [...bySite].map(([site, bytes]) => ({ site, bytes })).sort((a, b) => b.bytes - a.bytes);
    },
  };
}
