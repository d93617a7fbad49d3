// Settings of the firmware rollouts (issue 16, item 7), stored as one JSON value ('firmware') in the
// settings table, so that a backup carries them.
import { Type, type Static } from '@sinclair/typebox';

export const FIRMWARE_SETTINGS_KEY = 'firmware';

export const FirmwareSettingsSchema = Type.Object({
  maxConcurrent: Type.Integer({ minimum: 1, maximum: 100, description: 'stations updating at once, at most; the others wait their turn [5]' }),
  baseUrl: Type.Union([Type.String({ pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$', maxLength: 200 }), Type.Null()], {
    description: 'how stations reach Fuseguard over HTTP(S), e.g. http://192.168.1.10:8080; null: the address each station connected to (its Host header) [null]',
  }),
  urlValidityH: Type.Integer({ minimum: 1, maximum: 720, description: 'how long a download URL given to a station holds, in hours [24]' }),
  stallTimeoutMin: Type.Integer({ minimum: 5, maximum: 10_080, description: 'an update without news from its station for this long is marked failed, in minutes [60]' }),
}, { additionalProperties: false });

export type FirmwareSettings = Static<typeof FirmwareSettingsSchema>;

export const DEFAULT_FIRMWARE_SETTINGS: FirmwareSettings = { maxConcurrent: 5, baseUrl: null, urlValidityH: 24, stallTimeoutMin: 60 };

/** The stored value over the defaults; a stored value of the wrong type is ignored, field by field. */
export function resolveFirmwareSettings(stored: unknown): FirmwareSettings {
  const s = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  const int = (key: 'maxConcurrent' | 'urlValidityH' | 'stallTimeoutMin') => (Number.isInteger(s[key]) ? (s[key] as number) : DEFAULT_FIRMWARE_SETTINGS[key]);
  return {
    maxConcurrent: int('maxConcurrent'),
    baseUrl: typeof s.baseUrl === 'string' ? s.baseUrl : null,
    urlValidityH: int('urlValidityH'),
    stallTimeoutMin: int('stallTimeoutMin'),
  };
}
