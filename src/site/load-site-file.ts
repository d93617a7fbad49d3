import { readFileSync } from 'node:fs';
import type { SiteFile } from './site-schema.js';
import { SiteApplyError } from './apply-site.js';
import { validateSite } from './validate-site.js';

/** Reads and validates a site file; throws SiteApplyError naming every bad field. */
export function loadSiteFile(file: string): SiteFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SiteApplyError([{ path: '/', message: `${file} is not readable JSON: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  const result = validateSite(json);
  if (!result.ok) throw new SiteApplyError(result.errors);
  return result.site;
}
