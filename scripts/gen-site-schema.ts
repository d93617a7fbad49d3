// Writes schemas/site.schema.json from the TypeBox schema. Run: npm run gen:site-schema
import { writeFileSync } from 'node:fs';
import { siteJsonSchema } from '../src/site/site-schema.js';

writeFileSync(new URL('../schemas/site.schema.json', import.meta.url), `${JSON.stringify(siteJsonSchema(), null, 2)}\n`);
