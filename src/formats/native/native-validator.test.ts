import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { FlowSchema } from '../../api/flow-schema.js';
import { makeFlow } from '../../store/contract/flow-fixtures.js';
import { flowLike } from '../../testing/native-lines.js';
import { isValidFlowInPlace } from './native-validator.js';

type Json = Record<string, unknown>;

describe('the compiled check of native flows', () => {
  it('accepts exactly what zod accepts, and leaves the flow zod gives', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(flowLike, (line) => {
        const zod = FlowSchema.safeParse(JSON.parse(line));
        const mine = JSON.parse(line) as Json;
        const ok = isValidFlowInPlace(mine);
        expect(ok).toBe(zod.success);
        if (ok) {
          accepted++;
          expect(mine).toEqual(zod.data);
          expect(mine).not.toHaveProperty('v');
        } else refused++;
      }),
      { numRuns: 2000, seed: 20261127 },
    );
    // Both outcomes were exercised.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('refuses numbers JSON turns into Infinity, as zod does', () => {
    const line = JSON.stringify(makeFlow());
    for (const field of ['flows', 'bytes', 'time', 'durationMs']) {
      const text = line.replace(new RegExp(`"${field}":[^,}]+`), `"${field}":1e309`);
      expect(text).toContain('1e309');
      const mine = JSON.parse(text) as Json;
      expect(FlowSchema.safeParse(JSON.parse(text)).success).toBe(false);
      expect(isValidFlowInPlace(mine)).toBe(false);
    }
  });
});
