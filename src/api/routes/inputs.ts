// Digital inputs (M2, W8): their configuration (stored under the settings key `inputs`, checked
// with validateInputConfigs), their live state, and the REST signal source for manual inputs.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { validateInputConfigs, type DigitalInputConfig } from '../../inputs/index.js';
import { audit } from '../audit.js';
import type { ApiContext } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { errors } from '../schemas.js';
import { MASK } from './settings.js';

const InputConfigSchema = Type.Object({
  id: Type.String({ description: '1 to 32 letters, digits, _ . or -' }),
  enabled: Type.Boolean(),
  pct: Type.Integer({ description: '0–99 % of every zone\'s maxCurrentA while the input is active' }),
  failSafeHigh: Type.Optional(Type.Boolean({ description: 'counts as high while its source gives no signal [true]' })),
  source: Type.Object({
    kind: Type.String({ description: 'gpio-chardev | gpio-sysfs | mqtt | manual; the other fields depend on it (docs/digital-inputs.md)' }),
  }, { additionalProperties: true }),
}, { additionalProperties: true, description: 'checked in detail by src/inputs: every error names its field' });
const InputsBody = Type.Array(InputConfigSchema, { description: 'at most 3 inputs (M2); replaces the list' });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 32 }) });
const SignalBody = Type.Object({ high: Type.Boolean({ description: 'the signal level; an enabled input is active while high' }) }, { additionalProperties: false });
const StateSchema = Type.Object({
  id: Type.String(),
  enabled: Type.Boolean(),
  pct: Type.Number(),
  high: Type.Boolean(),
  active: Type.Boolean({ description: 'enabled and high: its percentage limits every zone (M2)' }),
  cause: Type.String({ description: 'signal | fail-safe | override' }),
  signal: Type.Union([Type.Boolean(), Type.Null()]),
  override: Type.Union([Type.Boolean(), Type.Null()]),
  failSafeHigh: Type.Boolean(),
  lastChangeAt: Type.Union([Type.Number(), Type.Null()]),
  source: Type.Object({
    kind: Type.String(),
    status: Type.String({ description: 'stopped | connecting | connected | error' }),
    reason: Type.Union([Type.String(), Type.Null()]),
    sinceAt: Type.Number(),
    lastSignalAt: Type.Union([Type.Number(), Type.Null()]),
  }),
});

/** An input as it may be shown: an MQTT password is masked. */
const showInput = (c: DigitalInputConfig): DigitalInputConfig =>
  (c.source.kind === 'mqtt' && c.source.password !== undefined ? { ...c, source: { ...c.source, password: MASK } } : c);

export function inputsRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    const listOf = (inputs: unknown): DigitalInputConfig[] => (Array.isArray(inputs) ? (inputs as DigitalInputConfig[]) : []);
    const stored = async (): Promise<DigitalInputConfig[]> => listOf((await ctx.store.settings.getAll()).inputs);
    const states = () => ctx.inputs().allStates().map((s) => ({ ...s, active: s.enabled && s.high }));

    app.get('/inputs', {
      config: { access: 'admin' },
      schema: { tags: ['inputs'], summary: 'Digital input configuration (M2); MQTT passwords masked', response: { 200: Type.Array(InputConfigSchema), ...errors(401, 403) } },
    }, async () => (await stored()).map(showInput));

    app.put<{ Body: Static<typeof InputsBody> }>('/inputs', {
      config: { access: 'admin' },
      schema: {
        tags: ['inputs'], summary: 'Replaces the digital inputs; their sources restart at once',
        description: `An MQTT password sent as ${MASK} keeps the stored password of the input with that id. A manual input that was manual keeps its level: `
          + 'its signal is set with PUT /inputs/{id}/signal (a new manual input takes the level given).',
        body: InputsBody, response: { 200: Type.Array(InputConfigSchema), ...errors(400, 401, 403) },
      },
    }, async (request) => {
      // The masked passwords are taken from the list as it is when written (one transaction).
      const configs = await ctx.store.settings.update('inputs', (current) => {
        const previous = new Map(listOf(current).map((c) => [c.id, c]));
        const body = (request.body as unknown as DigitalInputConfig[]).map((c) => {
          const before = previous.get(c.id)?.source;
          if (c.source?.kind === 'mqtt' && c.source.password === MASK && before?.kind === 'mqtt') return { ...c, source: { ...c.source, password: before.password } };
          // A manual input's level is its signal (PUT /inputs/{id}/signal): a page saved with the
          // level it loaded must not undo a signal given since (a load shedding turned off).
          if (c.source?.kind === 'manual' && before?.kind === 'manual') return { ...c, source: { ...c.source, high: before.high } };
          return c;
        });
        const validation = validateInputConfigs(body, ['body']);
        if (!validation.ok) {
          const details = validation.errors.map((e) => ({ field: e.pointer.slice(1).replaceAll('/', '.'), message: e.message }));
          throw badRequest('invalid-request', details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
        }
        return validation.configs;
      });
      await audit(ctx, request, 'inputs.update', null, configs.map(showInput));
      await ctx.reload();
      return configs.map(showInput);
    });

    app.get('/inputs/state', {
      config: { access: 'user' },
      schema: { tags: ['inputs'], summary: 'Live state of every digital input: level, why, source health', response: { 200: Type.Array(StateSchema), ...errors(401, 403) } },
    }, async () => states());

    app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof SignalBody> }>('/inputs/:id/signal', {
      config: { access: 'user' },
      schema: {
        tags: ['inputs'], summary: 'Sets the signal of a manual input (the REST signal source); the allocation follows at once',
        description: 'Only for inputs whose source kind is manual. The level is stored, so it holds across restarts.',
        params: IdParams, body: SignalBody, response: { 200: StateSchema, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (request) => {
      const { id } = request.params;
      const { high } = request.body;
      // Stored as the level at start, so that a reload or a restart keeps it; on the list as it is
      // then (one transaction): a signal at the same time as another edit loses neither.
      await ctx.store.settings.update('inputs', (current) => {
        const configs = listOf(current);
        const config = configs.find((c) => c.id === id);
        if (!config) throw notFound('input', id);
        if (config.source.kind !== 'manual') {
          throw conflict('not-manual', `input "${id}" takes its signal from ${config.source.kind}, not from the API`, { input: id, kind: config.source.kind });
        }
        return configs.map((c) => (c.id === id ? { ...c, source: { kind: 'manual', high } } : c));
      });
      if (ctx.inputs().state(id)) ctx.inputs().set(id, high);
      else await ctx.reload();
      await audit(ctx, request, 'input.signal', id, { high });
      const state = states().find((s) => s.id === id);
      if (!state) throw notFound('input', id);
      return state;
    });
  };
}
