import { describe, expect, it } from 'vitest';

import { pacer } from './pacer.js';

/** Busy-waits `ms` on the main thread. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('pacer', () => {
  it('yields to the event loop once a slice has run its time, and not before', async () => {
    const pace = pacer(20);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    // Ten 1 ms steps: within one slice, so no timer gets to run.
    for (let i = 0; i < 10; i++) {
      spin(1);
      await pace();
    }
    const early = ticks;
    // Fifty more 1 ms steps cross the slice twice: the timer runs in between.
    for (let i = 0; i < 50; i++) {
      spin(1);
      await pace();
    }
    clearInterval(timer);
    expect(early).toBe(0);
    expect(ticks).toBeGreaterThanOrEqual(1);
  });
});
