// The configuration resources of the admin pages (W8): settings, zones, meters, time of use and
// digital inputs, registered together so that the resource list gets one entry for them.
import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../context.js';
import { inputsRoutes } from './inputs.js';
import { metersRoutes } from './meters.js';
import { settingsRoutes } from './settings.js';
import { touRoutes } from './tou.js';
import { zonesRoutes } from './zones.js';

export function configurationRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    for (const routes of [settingsRoutes, zonesRoutes, metersRoutes, touRoutes, inputsRoutes]) await app.register(routes(ctx));
  };
}
