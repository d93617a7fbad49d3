// `fuseguard simulate SCENARIO`: plays a scenario file (A12) and prints the timeline of setpoints
// and their reasons (A11). Exits 1 when an expectation or an A2 invariant fails, 2 on a bad file.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  describeLimitSource, describeReason, parseScenario, playScenario, ScenarioError,
  type Scenario, type ScenarioEvent, type TimelineStep,
} from '../domain/index.js';

interface SimulateOptions {
  json?: boolean;
  all?: boolean;
}

export function registerSimulateCommand(program: Command): void {
  program.command('simulate <scenario>')
    .description('play a scenario file: the timeline of setpoints and reasons (exit 1 if an expectation fails)')
    .option('--json', 'print the timeline as JSON')
    .option('--all', 'also list idle connectors')
    .action((file: string, opts: SimulateOptions) => {
      let scenario: Scenario;
      try {
        scenario = parseScenario(JSON.parse(readFileSync(file, 'utf8')));
      } catch (error) {
        if (!(error instanceof ScenarioError || error instanceof SyntaxError)) throw error;
        console.error(`${file}: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      const timeline = playScenario(scenario);
      const clock = timeLabel(scenario.timeZone);
      process.stdout.write(opts.json ? `${JSON.stringify(toJson(timeline, clock), null, 2)}\n` : render(scenario, timeline, clock, opts.all ?? false));
      if (timeline.some((s) => s.mismatches.length > 0 || s.violations.length > 0)) process.exitCode = 1;
    });
}

/** "2025-01-06 09:00:00" in the scenario's time zone. */
function timeLabel(timeZone: string): (at: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  });
  return (at) => {
    const part = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
  };
}

function render(scenario: Scenario, timeline: TimelineStep[], clock: (at: number) => string, all: boolean): string {
  const lines: string[] = [`Scenario: ${scenario.name}${scenario.spec.length ? `  [${scenario.spec.join(', ')}]` : ''}`];
  if (scenario.description) lines.push(scenario.description);
  lines.push(`Time zone: ${scenario.timeZone}`);
  let failures = 0;
  for (const step of timeline) {
    lines.push('', `${clock(step.at)}  step ${step.index + 1}${step.label ? `: ${step.label}` : ''}`);
    if (step.events.length > 0) lines.push(`  events: ${step.events.map(describeEvent).join('; ')}`);
    const width = Math.max(8, ...step.result.setpoints.map((s) => s.connectorId.length));
    for (const s of step.result.setpoints) {
      if (!all && s.reason.code === 'idle') continue;
      const amps = `${s.currentA} A${s.powerW !== undefined ? ` (${s.powerW} W)` : ''}${s.vip ? ' VIP' : ''}${s.probing ? ' probing' : ''}`;
      lines.push(`  ${s.connectorId.padEnd(width)}  ${amps.padEnd(22)}  ${describeReason(s.reason, (at) => clock(at).slice(11))}`);
    }
    for (const z of step.result.zones) {
      const phases = (v: readonly number[]): string => v.map((x) => String(x)).join('/');
      const sources = [...new Set(z.sources.map(describeLimitSource))].join(', ');
      const reserved = z.reservedA.some((v) => v > 0) ? `, held offline ${phases(z.reservedA)}` : '';
      lines.push(`  zone ${z.zone}: limit ${phases(z.limitA)} A (${sources}), allocated ${phases(z.allocatedA)} A${reserved}`);
    }
    const cuts = step.plan.reductions.map((c) => `${c.connectorId} ${c.fromA}→${c.toA}`);
    const raises = step.plan.increases.map((c) => `${c.connectorId} ${c.fromA}→${c.toA}`);
    if (cuts.length + raises.length > 0) {
      lines.push(`  changes (A8): first cut ${cuts.join(', ') || 'nothing'}; then raise ${raises.join(', ') || 'nothing'}`);
    }
    for (const v of step.violations) lines.push(`  ✗ A2 violated: ${v.message}`);
    for (const m of step.mismatches) lines.push(`  ✗ ${m}`);
    failures += step.mismatches.length + step.violations.length;
  }
  const checked = timeline.filter((s) => scenario.steps[s.index].expect).length;
  lines.push('', failures === 0
    ? `OK: ${timeline.length} steps, expectations of ${checked} steps met, A2 invariants hold.`
    : `FAILED: ${failures} problem(s) in ${timeline.length} steps.`);
  return `${lines.join('\n')}\n`;
}

function describeEvent(e: ScenarioEvent): string {
  switch (e.type) {
    case 'plug': return `plug ${e.connector}${e.energyWh ? ` (${e.energyWh} Wh)` : ''}${e.vip ? ' VIP badge' : ''}`;
    case 'unplug': return `unplug ${e.connector}`;
    case 'energy': return `${e.connector} at ${e.energyWh} Wh`;
    case 'measure': return `${e.connector} draws ${e.currentsA ? `${e.currentsA.join('/')} A` : `${e.powerW} W`}`;
    case 'measure-stop': return `${e.connector} stops reporting`;
    case 'meter': return `meter of ${e.zone} reads ${e.currentsA.join('/')} A`;
    case 'meter-lost': return `meter of ${e.zone} lost`;
    case 'station-offline': return `${e.station} offline`;
    case 'station-online': return `${e.station} online`;
    case 'station-uncontrolled': return `${e.station} uncontrolled`;
    case 'station-controlled': return `${e.station} controlled again`;
    case 'cap': return e.capA === null ? `CPO cap on ${e.connector} cleared` : `CPO caps ${e.connector} at ${e.capA} A`;
    case 'di': return `${e.input} ${e.high ? 'high' : 'low'}`;
    case 'tou': return `TOU ${e.enabled ? 'on' : 'off'}`;
    case 'settings': return `settings ${JSON.stringify(e.settings)}`;
  }
}

function toJson(timeline: TimelineStep[], clock: (at: number) => string): unknown {
  return timeline.map((step) => ({
    step: step.index + 1,
    label: step.label,
    at: new Date(step.at).toISOString(),
    localTime: clock(step.at),
    events: step.events,
    setpoints: step.result.setpoints.map((s) => ({ ...s, explanation: describeReason(s.reason) })),
    zones: step.result.zones,
    plan: {
      reductions: step.plan.reductions.map(({ connectorId, fromA, toA, toPowerW }) => ({ connectorId, fromA, toA, toPowerW })),
      increases: step.plan.increases.map(({ connectorId, fromA, toA, toPowerW }) => ({ connectorId, fromA, toA, toPowerW })),
    },
    failsafe: step.failsafe,
    mismatches: step.mismatches,
    violations: step.violations,
  }));
}
