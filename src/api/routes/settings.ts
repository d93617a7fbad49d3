// Site settings (W8): load shedding (A3, A5, A6), advanced values (S2, O5, D5, P1, O2, retention), where
// Fuseguard listens (network: used at the next start) and remote supervision (U1-U4: stored now,
// used by the relay). Schemas come from the site file's (site-schema.ts), so both agree.
import { access as fileAccess, constants } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { NetworkSettingsSchema, SettingsSchema, UpstreamSettingsSchema } from '../../site/site-schema.js';
import { resolveSettings } from '../../site/settings.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { unprocessable } from '../errors.js';
import { errors } from '../schemas.js';

const LOAD_SHEDDING_KEYS = ['minimumStandard', 'sheddingPriority', 'rotationPeriodMin'] as const;
const ADVANCED_KEYS = [
  'loginLockoutAttempts', 'loginLockoutS', 'sessionIdleTimeoutS', 'heartbeatIntervalS', 'meterValueSampleIntervalS',
  'liveProfileDurationS', 'meterPollingMs', 'unknownStations',
  // Station admission bounds (issue 14, rows 9 and 10), read at every connection.
  'pendingStationsMax', 'pendingStationExpiryDays', 'stationPasswordAttempts', 'stationPasswordAddressAttempts', 'stationPasswordBackoffMaxS',
  // Retention (issue 16, item 12), read at the next prune (every 10 minutes).
  'commandsMaxAgeDays', 'commandsMaxRows', 'auditMaxAgeDays', 'auditMaxRows', 'samplesOutsideSessionsMaxAgeDays',
] as const;

const LoadSheddingBody = Type.Pick(SettingsSchema, LOAD_SHEDDING_KEYS, { additionalProperties: false });
const LoadSheddingSchema = Type.Required(LoadSheddingBody);
const AdvancedBody = Type.Pick(SettingsSchema, ADVANCED_KEYS, { additionalProperties: false });
const AdvancedSchema = Type.Required(AdvancedBody);
const NetworkAnswer = Type.Object({
  network: NetworkSettingsSchema,
  restartRequired: Type.Boolean({ description: 'true after a change: the network settings are used at the next start' }),
});
const UpstreamAnswer = UpstreamSettingsSchema;
const AllSettings = Type.Object({
  loadShedding: LoadSheddingSchema,
  advanced: AdvancedSchema,
  network: NetworkSettingsSchema,
  upstream: UpstreamSettingsSchema,
});

/** An HTTP proxy URL as it may be shown: its password replaced (U4 URLs may carry credentials). */
export const MASK = '********';
export function maskUrlPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = MASK;
    return parsed.toString().replace(encodeURIComponent(MASK), MASK);
  } catch {
    return url;
  }
}

type Upstream = Static<typeof UpstreamSettingsSchema>;
const showUpstream = (u: Upstream): Upstream => (u.proxyUrl === undefined ? u : { ...u, proxyUrl: maskUrlPassword(u.proxyUrl) });

export function settingsRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const resolved = async () => resolveSettings(await ctx.store.settings.getAll());
    const pick = <K extends string>(all: Record<string, unknown>, keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, all[k]])) as Record<K, never>;

    app.get('/settings', {
      config: { access: 'admin' },
      schema: { tags: ['settings'], summary: 'Every site setting, by admin page (W8); secrets masked', response: { 200: AllSettings, ...errors(401, 403) } },
    }, async () => {
      const s = await resolved();
      return { loadShedding: pick(s, LOAD_SHEDDING_KEYS), advanced: pick(s, ADVANCED_KEYS), network: s.network, upstream: showUpstream(s.upstream) };
    });

    app.get('/settings/load-shedding', {
      config: { access: 'user' },
      schema: { tags: ['settings'], summary: 'Minimum current standard (A3), who is suspended first on shortage (A5), rotation period (A6)', response: { 200: LoadSheddingSchema, ...errors(401, 403) } },
    }, async () => pick(await resolved(), LOAD_SHEDDING_KEYS));

    app.patch<{ Body: Static<typeof LoadSheddingBody> }>('/settings/load-shedding', {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'], summary: 'Changes the load shedding settings given; the next allocation uses them',
        body: LoadSheddingBody, response: { 200: LoadSheddingSchema, ...errors(400, 401, 403) },
      },
    }, async (request) => {
      await ctx.store.settings.set(request.body);
      await audit(ctx, request, 'settings.load-shedding', null, request.body);
      await ctx.reload();
      return pick(await resolved(), LOAD_SHEDDING_KEYS);
    });

    app.get('/settings/advanced', {
      config: { access: 'admin' },
      schema: { tags: ['settings'], summary: 'Advanced values: lockout and idle timeout (S2), station intervals (O5, D5), meter polling (P1), unknown stations (O2), retention of commands, audit log and samples outside sessions', response: { 200: AdvancedSchema, ...errors(401, 403) } },
    }, async () => pick(await resolved(), ADVANCED_KEYS));

    app.patch<{ Body: Static<typeof AdvancedBody> }>('/settings/advanced', {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'], summary: 'Changes the advanced values given',
        description: 'Lockout and idle timeout apply to the next request; meter polling restarts the meters; heartbeat and sample intervals are given to stations when they next boot or connect; retention applies at the next prune (every 10 minutes).',
        body: AdvancedBody, response: { 200: AdvancedSchema, ...errors(400, 401, 403) },
      },
    }, async (request) => {
      await ctx.store.settings.set(request.body);
      await audit(ctx, request, 'settings.advanced', null, request.body);
      await ctx.reload();
      return pick(await resolved(), ADVANCED_KEYS);
    });

    app.get('/settings/network', {
      config: { access: 'admin' },
      schema: { tags: ['settings'], summary: 'Where Fuseguard listens: stored, used at the next start', response: { 200: NetworkAnswer, ...errors(401, 403) } },
    }, async () => ({ network: (await resolved()).network, restartRequired: false }));

    app.put<{ Body: Static<typeof NetworkSettingsSchema> }>('/settings/network', {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'], summary: 'Replaces the network settings; they take effect at the next start (restartRequired)',
        description: 'Fields left out fall back to their defaults (or the command-line flags). TLS needs both files, readable by Fuseguard.',
        body: NetworkSettingsSchema, response: { 200: NetworkAnswer, ...errors(400, 401, 403, 422) },
      },
    }, async (request) => {
      const network = request.body;
      if ((network.tlsCertFile === undefined) !== (network.tlsKeyFile === undefined)) {
        const field = network.tlsCertFile === undefined ? 'body.tlsCertFile' : 'body.tlsKeyFile';
        throw unprocessable('tls-pair', 'TLS needs both tlsCertFile and tlsKeyFile', { field });
      }
      for (const key of ['tlsCertFile', 'tlsKeyFile'] as const) {
        const file = network[key];
        if (file === undefined) continue;
        try {
          await fileAccess(file, constants.R_OK);
        } catch {
          throw unprocessable('tls-file', `${key}: cannot read "${file}"`, { field: `body.${key}` });
        }
      }
      await ctx.store.settings.set({ network });
      await audit(ctx, request, 'settings.network', null, network);
      return { network, restartRequired: true };
    });

    app.get('/settings/upstream', {
      config: { access: 'admin' },
      schema: { tags: ['settings'], summary: 'Remote supervision: the relay to a CPO (U1-U4); a proxy password is masked', response: { 200: UpstreamAnswer, ...errors(401, 403) } },
    }, async () => showUpstream((await resolved()).upstream));

    app.put<{ Body: Static<typeof UpstreamSettingsSchema> }>('/settings/upstream', {
      config: { access: 'admin' },
      schema: {
        tags: ['settings'], summary: 'Replaces the remote supervision settings',
        description: `Stored now, used by the relay. A proxyUrl whose password is shown as ${MASK} keeps the stored password.`,
        body: UpstreamSettingsSchema, response: { 200: UpstreamAnswer, ...errors(400, 401, 403, 422) },
      },
    }, async (request) => {
      const upstream = { ...request.body };
      if (upstream.enabled === true && upstream.url === undefined) throw unprocessable('upstream-url-required', 'remote supervision needs the CPO url', { field: 'body.url' });
      const stored = (await resolved()).upstream;
      if (upstream.proxyUrl !== undefined && stored.proxyUrl !== undefined && upstream.proxyUrl === maskUrlPassword(stored.proxyUrl)) {
        upstream.proxyUrl = stored.proxyUrl;
      }
      await ctx.store.settings.set({ upstream });
      await audit(ctx, request, 'settings.upstream', null, showUpstream(upstream));
      await ctx.reload();
      return showUpstream(upstream);
    });
  };
}
