// The help (issue 16, item 8): the user documentation (src/help/help-documents.ts) rendered from
// the README and docs/ that ship with Fuseguard, for every logged-in user; the web UI shows it.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { HELP_GROUPS } from '../../help/help-documents.js';
import { HelpLibrary } from '../../help/help-library.js';
import type { ApiContext } from '../context.js';
import { notFound } from '../errors.js';
import { enumOf, errors } from '../schemas.js';

const HelpEntrySchema = Type.Object({
  slug: Type.String(),
  group: enumOf(HELP_GROUPS, 'where the index lists it'),
  title: Type.String(),
  language: Type.String({ description: 'the language the document is written in (en)' }),
});
const HelpPageSchema = Type.Composite([HelpEntrySchema, Type.Object({ html: Type.String({ description: 'the document as HTML: no raw HTML of its source, links between documents as #/help/<slug>' }) })]);
const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' }) });
const ImageParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }) });

export function helpRoutes(_ctx: ApiContext, library = new HelpLibrary()): FastifyPluginAsync {
  return async (app) => {
    app.get('/help', {
      config: { access: 'user' },
      schema: { tags: ['help'], summary: 'The documents of the help, in the order of its index', response: { 200: Type.Array(HelpEntrySchema), ...errors(401, 403) } },
    }, async () => library.list());

    app.get<{ Params: Static<typeof SlugParams> }>('/help/documents/:slug', {
      config: { access: 'user' },
      schema: { tags: ['help'], summary: 'One document of the help, rendered', params: SlugParams, response: { 200: HelpPageSchema, ...errors(400, 401, 403, 404) } },
    }, async (request, reply) => {
      const page = await library.page(request.params.slug);
      if (!page) throw notFound('document', request.params.slug);
      return reply.header('cache-control', 'private, no-cache').send(page);
    });

    app.get<{ Params: Static<typeof ImageParams> }>('/help/images/:name', {
      config: { access: 'user' },
      schema: {
        tags: ['help'], summary: 'An image of the documents (docs/img)', params: ImageParams, produces: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
        response: { 200: Type.String({ format: 'binary' }), ...errors(400, 401, 403, 404) },
      },
    }, async (request, reply) => {
      const image = await library.image(request.params.name);
      if (!image) throw notFound('image', request.params.name);
      return reply.type(image.contentType).header('cache-control', 'private, max-age=3600').send(image.data);
    });
  };
}
