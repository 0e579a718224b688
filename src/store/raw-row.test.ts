import type Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { externalEndpoint, makeAllowedFlow, makeFlow } from './contract/flow-fixtures.js';
import { RAW_READ_COLUMNS, rowValuesToFlow, withZodOnly } from './raw-row.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';

/** Raw rows as SQLite returns them (raw mode), written by the real batch writer. */
let rows: unknown[][] = [];
beforeAll(async () => {
  const store = openSqliteStore({ path: ':memory:', allowedSampleRate: 1 });
  await store.writeBatch({
    id: 'rows',
    source: 'hubble',
    receivedAt: 0,
    flows: [
      makeFlow(),
      makeAllowedFlow({ bytes: 123, packets: 4 }),
      makeFlow({ port: null, src: externalEndpoint('203.0.113.7'), policies: [] }),
      makeFlow({ dst: { dnsNames: ['db.internal'], aggregated: true } }),
    ],
  });
  rows = (store.db as Database.Database)
    .prepare(`SELECT ${RAW_READ_COLUMNS.join(', ')} FROM flow_events ORDER BY id`)
    .raw(true)
    .all() as unknown[][];
  await store.close();
});
afterAll(() => {
  rows = [];
});

/** Values that break some column's type or bounds, and some that fit a few. */
const junk = fc.constantFrom<unknown>(
  null,
  undefined,
  -1,
  0,
  1.5,
  2 ** 60,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  65_536,
  '',
  'x',
  'TCP',
  'pod',
  'allowed',
  '{}',
  '{"l":{"a":1}}',
  '{"l":{"a":"b"},"z":1}',
  '{"d":["x"],"a":true}',
  '{"a":false}',
  '[]',
  '[{"kind":"K","namespace":null,"name":"n","rule":null,"action":"deny","staged":false,"tier":null,"x":1}]',
  '[{"kind":"K","name":"n"}]',
  '[{"kind":"K","namespace":null,"name":"n","rule":null,"action":"block","staged":false,"tier":null}]',
  true,
  10n,
);

/** The outcome of reading a row: the flow, or that it was refused. */
function outcome(read: () => unknown): unknown {
  try {
    return { ok: read() };
  } catch (err) {
    return { refused: (err as Error).name };
  }
}

describe('reading raw rows with the compiled check', () => {
  it('gives exactly what zod alone gives: the same flow, or a refusal', () => {
    let accepted = 0;
    let refused = 0;
    const row = fc.record({
      base: fc.nat({ max: 3 }),
      edits: fc.array(fc.tuple(fc.nat({ max: RAW_READ_COLUMNS.length - 1 }), junk), {
        maxLength: 3,
      }),
    });
    fc.assert(
      fc.property(row, ({ base, edits }) => {
        const values = [...(rows[base] as unknown[])];
        for (const [i, v] of edits) values[i] = v;
        const reference = outcome(() => withZodOnly(() => rowValuesToFlow([...values])));
        const fast = outcome(() => rowValuesToFlow([...values]));
        expect(fast).toEqual(reference);
        if ('ok' in (fast as object)) accepted++;
        else refused++;
      }),
      { numRuns: 3000, seed: 20261127 },
    );
    // Both outcomes were exercised.
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });
});
