import { describe, expect, it } from 'vitest';

import { GrowthAnalyzer } from './growth-analyzer.js';

describe('GrowthAnalyzer', () => {
  it('analyzes each time the committed flows double, one run at a time', async () => {
    const runs: number[] = [];
    let release: () => void = () => undefined;
    let written = 0;
    const a = new GrowthAnalyzer(
      () =>
        new Promise<void>((res) => {
          runs.push(written);
          release = res;
        }),
      100,
    );
    const commit = (n: number) => {
      written += n;
      a.committed(n);
    };
    commit(60);
    expect(runs).toEqual([]);
    commit(60); // 120 ≥ 100: first run; the next mark is 240
    expect(runs).toEqual([120]);
    commit(200); // 320 ≥ 240, but a run is in progress: none started
    expect(runs).toEqual([120]);
    release();
    await a.idle();
    commit(10); // 330 ≥ 240: the next run; the mark becomes 660
    expect(runs).toEqual([120, 330]);
    release();
    await a.idle();
    commit(300);
    expect(runs).toEqual([120, 330]);
    commit(30); // 660
    expect(runs).toEqual([120, 330, 660]);
    release();
    await a.idle();
  });

  it('reports a failed run and keeps counting', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const a = new GrowthAnalyzer(
      async () => {
        calls++;
        throw new Error('database gone');
      },
      10,
      (e) => errors.push(e),
    );
    a.committed(10);
    await a.idle();
    a.committed(10);
    await a.idle();
    expect(calls).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['database gone', 'database gone']);
  });

  it('starts later on a store that already holds data, never later once counting began', () => {
    const a = new GrowthAnalyzer(async () => undefined, 1_000);
    a.notBefore(500);
    expect(a.nextMark).toBe(1_000);
    a.notBefore(40_000);
    expect(a.nextMark).toBe(40_000);
    a.committed(10);
    a.notBefore(90_000);
    expect(a.nextMark).toBe(40_000);
  });
});
