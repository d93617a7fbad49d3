// Serves the dashboard (web/, built into dist/web by `npm run build`) at / (W1).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * dist/web of this package: the same from src/api (tsx) and from dist/api (built).
 * FUSEGUARD_WEB_ROOT points elsewhere (a build of one's own, e.g. while developing).
 */
export const WEB_ROOT = process.env.FUSEGUARD_WEB_ROOT ?? join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'dist/web');

export async function registerWeb(app: FastifyInstance, root = WEB_ROOT): Promise<void> {
  const built = existsSync(join(root, 'index.html'));
  if (built) await app.register(fastifyStatic, { root, serve: false });
  const hidden = { hide: true };
  app.get('/', { config: { access: 'public' }, schema: hidden }, async (_request, reply) => {
    if (!built) return reply.type('text/html').send('<!doctype html><title>Fuseguard</title><p>The web UI is not built: run <code>npm run build</code>. The API is at <a href="/api/docs">/api/docs</a>.</p>');
    return reply.sendFile('index.html');
  });
  // Vite's hashed bundles: cached for a long time, a new build has new names.
  app.get('/assets/*', { config: { access: 'public' }, schema: hidden }, async (request, reply) => {
    if (!built) return reply.callNotFound();
    const file = (request.params as { '*': string })['*'];
    return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(join('assets', file));
  });
}
