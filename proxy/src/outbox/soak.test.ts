import { describe, expect, it } from 'vitest';

import { runSoak } from '../../../bench/soak/run-soak.js';
import { hasEmulator } from '../testing/emulator.js';

/**
 * The soak test at CI size: 100 submissions from 10 clients, 20% of the upstream calls failing
 * and one emulator restart. `pnpm bench:soak` runs the full size (1,000 from 20 clients).
 */

describe.skipIf(!hasEmulator)('soak with faults and an emulator restart', () => {
  it('delivers every submission exactly once', async () => {
    const report = await runSoak({ submissions: 100, clients: 10, faultRate: 0.2, seed: 7 });
    const context = JSON.stringify(report);

    expect(report.faultsTotal, context).toBeGreaterThan(10);
    expect(report.lost, context).toBe(0);
    expect(report.duplicated, context).toBe(0);
    expect(report.cookieMissing, context).toBe(0);
    expect(report.outboxPending, context).toBe(0);
    expect(report.outboxDead, context).toBe(0);
    expect(report.limitFaults, context).toBe(0);
    expect(Object.keys(report.answers).sort(), context).toEqual(expect.arrayContaining(['200']));
    expect(Object.keys(report.answers).every((status) => status === '200' || status === '202'), context).toBe(true);
  }, 150_000);
});
