// The user documentation that Fuseguard serves as its help (issue 16, item 8): the one list of the
// documents an operator, an installer or an integrator reads. Developer documents (architecture,
// simulator, benchmarks) and the README's development parts are left out on purpose.
//
// Paths are relative to the package root; README.md and docs/ ship with the package (npm packs
// both), and the help renders them when asked (`help-library.ts`).

export type HelpGroup = 'start' | 'dashboard' | 'site' | 'integration';
export const HELP_GROUPS: readonly HelpGroup[] = ['start', 'dashboard', 'site', 'integration'];

export interface HelpDocument {
  /** In the help's address: #/help/<slug>, GET /api/help/documents/<slug>. */
  slug: string;
  /** The markdown file, relative to the package root. */
  source: string;
  group: HelpGroup;
  /** Only these `## ` sections (with the text before the first one); absent: the whole file. */
  sections?: readonly string[];
  /** The title, when the file's first heading is not the right one. */
  title?: string;
}

/** The images the documents show, served at /api/help/images/<name>. */
export const HELP_IMAGES_DIR = 'docs/img';

export const HELP_DOCUMENTS: readonly HelpDocument[] = [
  {
    slug: 'getting-started', source: 'README.md', group: 'start', title: 'Getting started',
    sections: ['Quick start', 'Running it for a real site', 'Concepts', 'Configuration: the site file', 'Connecting stations', 'Relaying to a CPO', 'Where the data lives', 'The REST API'],
  },
  { slug: 'security', source: 'docs/security.md', group: 'start' },
  { slug: 'web-dashboard', source: 'docs/web-dashboard.md', group: 'dashboard' },
  { slug: 'web-admin', source: 'docs/web-admin.md', group: 'dashboard' },
  { slug: 'web-assistant', source: 'docs/web-assistant.md', group: 'dashboard' },
  { slug: 'web-help', source: 'docs/web-help.md', group: 'dashboard' },
  { slug: 'meters', source: 'docs/meters.md', group: 'site' },
  { slug: 'digital-inputs', source: 'docs/digital-inputs.md', group: 'site' },
  { slug: 'authentication', source: 'docs/authentication.md', group: 'site' },
  { slug: 'charging-profiles', source: 'docs/charging-profiles.md', group: 'site' },
  { slug: 'allocation', source: 'docs/allocation.md', group: 'site' },
  { slug: 'scenarios', source: 'docs/scenarios.md', group: 'site' },
  { slug: 'relay', source: 'docs/relay.md', group: 'site' },
  { slug: 'firmware', source: 'docs/firmware.md', group: 'site' },
  { slug: 'api', source: 'docs/api.md', group: 'integration' },
  { slug: 'api-configuration', source: 'docs/api-configuration.md', group: 'integration' },
  { slug: 'api-operations', source: 'docs/api-operations.md', group: 'integration' },
  { slug: 'api-maintenance', source: 'docs/api-maintenance.md', group: 'integration' },
];
