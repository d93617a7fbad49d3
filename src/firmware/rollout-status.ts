// What a station's firmware rollout is at, and how the station's reports move it (issue 16, item 7).
// Pure: no I/O, no clock. A failure is final: Fuseguard never retries it by itself (an admin may
// start the station's update again), since a station that failed once would likely fail again.

export const ROLLOUT_STATUSES = ['queued', 'sent', 'downloading', 'downloaded', 'installing', 'installed', 'done', 'failed'] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

/** Sent to the station and not yet finished: these count against the limit of updates at once. */
export const IN_PROGRESS: readonly RolloutStatus[] = ['sent', 'downloading', 'downloaded', 'installing', 'installed'];

export const isInProgress = (status: string): boolean => (IN_PROGRESS as readonly string[]).includes(status);
export const isFinished = (status: string): boolean => status === 'done' || status === 'failed';

export interface RolloutChange {
  status: RolloutStatus;
  error?: string;
}

const BY_OCPP_STATUS: Record<string, RolloutChange> = {
  Downloading: { status: 'downloading' },
  Downloaded: { status: 'downloaded' },
  Installing: { status: 'installing' },
  Installed: { status: 'installed' },
  DownloadFailed: { status: 'failed', error: 'the station could not download the firmware (DownloadFailed)' },
  InstallationFailed: { status: 'failed', error: 'the station could not install the firmware (InstallationFailed)' },
};

/**
 * A FirmwareStatusNotification of a station whose rollout is at `current`. Null: nothing changes
 * (`Idle`, the answer to a TriggerMessage; or no update of ours in progress).
 */
export function afterFirmwareStatus(current: string, ocppStatus: string): RolloutChange | null {
  if (!isInProgress(current)) return null;
  return BY_OCPP_STATUS[ocppStatus] ?? null;
}

/**
 * A BootNotification of a station whose rollout is at `current`, booting with `bootedVersion`;
 * `expectedVersion`: the firmware's version, if the admin gave one. Null: nothing changes.
 */
export function afterBoot(current: string, bootedVersion: string | null, expectedVersion: string | null): RolloutChange | null {
  if (!isInProgress(current)) return null;
  const runsExpected = expectedVersion !== null && bootedVersion === expectedVersion;
  if (runsExpected) return { status: 'done' };
  // Before Installed, a reboot is not the end: some stations reboot while installing.
  if (current !== 'installed') return null;
  if (expectedVersion === null) return { status: 'done' };
  return { status: 'failed', error: `the station booted with firmware ${bootedVersion ?? '(none given)'}, not ${expectedVersion}` };
}

/** How many queued updates may be sent now, with `inProgress` under way and at most `maxConcurrent` at once. */
export function roomForMore(inProgress: number, maxConcurrent: number): number {
  return Math.max(0, maxConcurrent - inProgress);
}

/** An update in progress without news for `stallMs` has failed (the station never finished it). */
export function isStalled(status: string, updatedAt: number, now: number, stallMs: number): boolean {
  return isInProgress(status) && now - updatedAt >= stallMs;
}
