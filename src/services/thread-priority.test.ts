import { describe, expect, it } from 'vitest';

import { lowerThreadPriority } from './thread-priority.js';

// Setting a valid value would lower this test thread itself: the ingest pool's test checks
// that on worker threads. Here, what is refused without touching any thread.
describe('lowerThreadPriority', () => {
  it('refuses values outside 0–19 and leaves nice 0 alone, saying why', () => {
    expect(lowerThreadPriority(20)).toEqual({
      applied: false,
      reason: 'nice must be a whole number from 0 to 19, got 20',
    });
    expect(lowerThreadPriority(-5)).toMatchObject({ applied: false });
    expect(lowerThreadPriority(2.5)).toMatchObject({ applied: false });
    expect(lowerThreadPriority(0)).toEqual({ applied: false, reason: 'nice 0: nothing to lower' });
  });
});
