// A dozen open dashboards each listen to the site's events: no leak warning for that (Node warns
// past 10 listeners by default), and one still past SITE_EVENT_LISTENERS_MAX.
import { afterEach, describe, expect, it } from 'vitest';
import { SITE_EVENT_LISTENERS_MAX, SiteEvents } from './site-events.js';

describe('SiteEvents', () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => { warnings.push(warning); };
  afterEach(() => { process.off('warning', onWarning); warnings.length = 0; });

  it('takes a listener per open dashboard stream without a leak warning, and still warns past its bound', async () => {
    process.on('warning', onWarning);
    const events = new SiteEvents();
    for (let i = 0; i < 20; i++) events.on('station.disconnected', () => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    for (let i = 20; i <= SITE_EVENT_LISTENERS_MAX; i++) events.on('station.disconnected', () => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toHaveLength(1);
  });
});
