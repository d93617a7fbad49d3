import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SiteApplyError } from '../site/apply-site.js';
import { exportSite } from '../site/export-site.js';
import { loadSiteFile } from '../site/load-site-file.js';
import { siteFileWarnings } from '../site/site-warnings.js';
import { Store } from '../store/store.js';
import { dataDirOption } from './options.js';

export function registerSiteCommand(program: Command): void {
  const site = program.command('site').description('site files: the declarative zones, stations, badges and settings (R4)');

  site.command('validate <file>')
    .description('check a site file; lists every bad field by its path and exits 1; lists warnings (exit 0)')
    .action((file: string) => {
      try {
        const parsed = loadSiteFile(file);
        const zones = countZones(parsed.zones ?? []);
        console.log(`${file} is valid: ${zones} zones, ${parsed.stations?.length ?? 0} stations, ${parsed.badges?.length ?? 0} badges`);
        const warnings = siteFileWarnings(parsed);
        if (warnings.length > 0) console.log(`warnings:\n${warnings.map((w) => `  ${w.path}: ${w.message}`).join('\n')}`);
      } catch (error) {
        if (!(error instanceof SiteApplyError)) throw error;
        console.error(`${file} is invalid:\n${error.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
        process.exitCode = 1;
      }
    });

  site.command('export')
    .description('write the current site as a site file (passwords as hashes)')
    .addOption(dataDirOption())
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { dataDir: string; out?: string }) => {
      const store = await Store.open(opts.dataDir);
      try {
        const json = `${JSON.stringify(await exportSite(store), null, 2)}\n`;
        if (opts.out) writeFileSync(opts.out, json);
        else process.stdout.write(json);
      } finally {
        await store.close();
      }
    });
}

function countZones(zones: { children?: unknown[] }[]): number {
  return zones.reduce((n, z) => n + 1 + countZones((z.children ?? []) as { children?: unknown[] }[]), 0);
}
