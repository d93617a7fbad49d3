// A firmware update as a simulated station does it when `firmwareUpdate` is set (issue 16, item 7):
// it downloads the file over HTTP(S) for real, reports Downloading → Downloaded → Installing →
// Installed (or DownloadFailed / InstallationFailed), then reboots and boots with the new version.
import { createHash } from 'node:crypto';

export interface SimFirmwareOptions {
  /** The firmwareVersion the station boots with once it has installed an update [its own + '-updated']. */
  installsVersion?: string;
  /** Make the update fail at this step (the download is still tried first). */
  failWith?: 'DownloadFailed' | 'InstallationFailed';
  /** Station time between the steps after the download [2000 ms]. */
  stepMs?: number;
  /** Real-time limit of the download [30 000 ms]. */
  downloadTimeoutMs?: number;
  /** Reboot into the new version first and report Installed after booting (some stations do) [false]. */
  installedAfterReboot?: boolean;
}

export interface FirmwareDownload {
  location: string;
  /** HTTP status, or 0 when nothing came back. */
  httpStatus: number;
  bytes: number;
  sha256: string | null;
}

export interface FirmwareUpdateHost {
  now(): number;
  schedule(at: number, run: () => void): void;
  sendStatus(status: 'Downloading' | 'Downloaded' | 'DownloadFailed' | 'Installing' | 'Installed' | 'InstallationFailed'): void;
  downloaded(download: FirmwareDownload): void;
  /** The new firmware is in: reboot and boot with `version`; then `afterBoot`, if given. */
  installed(version: string, afterBoot?: () => void): void;
  currentVersion(): string;
}

export function runFirmwareUpdate(host: FirmwareUpdateHost, options: SimFirmwareOptions, location: string, startAt: number): void {
  const stepMs = options.stepMs ?? 2_000;
  host.schedule(startAt, () => {
    host.sendStatus('Downloading');
    void download(location, options.downloadTimeoutMs ?? 30_000).then((result) => {
      host.downloaded(result);
      if (result.httpStatus !== 200 || options.failWith === 'DownloadFailed') {
        host.sendStatus('DownloadFailed');
        return;
      }
      host.sendStatus('Downloaded');
      const at = host.now();
      host.schedule(at + stepMs, () => host.sendStatus('Installing'));
      host.schedule(at + 2 * stepMs, () => {
        if (options.failWith === 'InstallationFailed') {
          host.sendStatus('InstallationFailed');
          return;
        }
        const version = options.installsVersion ?? `${host.currentVersion()}-updated`;
        if (options.installedAfterReboot) {
          // Reboots at once, and reports once it has booted again.
          host.installed(version, () => host.sendStatus('Installed'));
          return;
        }
        host.sendStatus('Installed');
        // The report goes out before the station goes dark.
        host.schedule(host.now() + stepMs, () => host.installed(version));
      });
    });
  });
}

async function download(location: string, timeoutMs: number): Promise<FirmwareDownload> {
  try {
    const response = await fetch(location, { signal: AbortSignal.timeout(timeoutMs) });
    const body = Buffer.from(await response.arrayBuffer());
    return { location, httpStatus: response.status, bytes: body.length, sha256: response.ok ? createHash('sha256').update(body).digest('hex') : null };
  } catch {
    return { location, httpStatus: 0, bytes: 0, sha256: null };
  }
}
