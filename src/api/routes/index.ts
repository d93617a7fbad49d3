// The API's resources, one plugin each (architecture.md), all under /api.
import type { FastifyPluginAsync } from 'fastify';
import type { ApiContext } from '../context.js';
import { authRoutes } from './auth.js';
import { badgesRoutes } from './badges.js';
import { configurationRoutes } from './configuration.js';
import { firmwareRoutes } from './firmware.js';
import { helpRoutes } from './help.js';
import { maintenanceRoutes } from './maintenance.js';
import { relayRoutes } from './relay.js';
import { sessionsRoutes } from './sessions.js';
import { stationActionsRoutes } from './station-actions.js';
import { stationsRoutes } from './stations.js';
import { tokensRoutes } from './tokens.js';
import { usersRoutes } from './users.js';
import { zoneHistoryRoutes } from './zone-history.js';

export const RESOURCE_ROUTES: ReadonlyArray<(ctx: ApiContext) => FastifyPluginAsync> = [
  authRoutes, usersRoutes, tokensRoutes, configurationRoutes, maintenanceRoutes,
  badgesRoutes, stationsRoutes, stationActionsRoutes, sessionsRoutes,
  zoneHistoryRoutes, relayRoutes, helpRoutes,
  firmwareRoutes,
];
