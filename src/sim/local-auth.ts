// A station's local authorization: the Authorization Cache and the Local Authorization List
// (OCPP 1.6 §3.5). Decides what a badge gets without (or before) asking the central system.

import type { IdTagInfo, LocalAuthorizationEntry } from './ocpp-types.js';

export type SendLocalListStatus = 'Accepted' | 'Failed' | 'NotSupported' | 'VersionMismatch';

export class LocalAuth {
  private readonly cache = new Map<string, IdTagInfo>();
  private readonly list = new Map<string, IdTagInfo>();
  private version = 0;

  constructor(private readonly maxListLength = 100) {}

  get listVersion(): number {
    return this.version;
  }

  remember(idTag: string, info: IdTagInfo): void {
    this.cache.set(idTag, { ...info });
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** The local list wins over the cache (§3.5.3); undefined when the badge is unknown locally. */
  lookup(idTag: string, at: number, useList: boolean, useCache: boolean): IdTagInfo | undefined {
    const info = (useList ? this.list.get(idTag) : undefined) ?? (useCache ? this.cache.get(idTag) : undefined);
    if (!info) return undefined;
    if (info.status === 'Accepted' && info.expiryDate && Date.parse(info.expiryDate) <= at) {
      return { ...info, status: 'Expired' };
    }
    return info;
  }

  /** SendLocalList (§5.15). */
  update(
    listVersion: number,
    updateType: 'Differential' | 'Full',
    entries: readonly LocalAuthorizationEntry[] = [],
  ): SendLocalListStatus {
    if (entries.length > this.maxListLength) return 'Failed';
    if (updateType === 'Full') {
      this.list.clear();
      for (const e of entries) if (e.idTagInfo) this.list.set(e.idTag, { ...e.idTagInfo });
    } else {
      if (listVersion <= this.version) return 'VersionMismatch';
      for (const e of entries) {
        if (e.idTagInfo) this.list.set(e.idTag, { ...e.idTagInfo });
        else this.list.delete(e.idTag);
      }
      if (this.list.size > this.maxListLength) return 'Failed';
    }
    this.version = listVersion;
    return 'Accepted';
  }
}
