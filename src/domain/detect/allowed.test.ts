import { describe, expect, it } from 'vitest';

import { detectAllowed } from './allowed.js';
import { type AllowedRow, SeriesBuilder } from './allowed-series.js';
import { resolveDetectOptions } from './options.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEP = 15 * 60_000;
const FROM = Date.UTC(2026, 0, 20);
const O = resolveDetectOptions().allowed;

function row(over: Partial<AllowedRow>): AllowedRow {
  return {
    bucket: 0,
    cluster: 'c1',
    srcNamespace: 'shop',
    srcWorkload: 'web-5d8f6b9c7d-*',
    srcKind: 'pod',
    dstNamespace: 'shop',
    dstWorkload: 'api-5d8f6b9c7d-*',
    dstKind: 'pod',
    protocol: 'TCP',
    port: 8080,
    source: 'goldmane',
    flows: 100,
    bytes: 1_000_000,
    ...over,
  };
}

/** Ten days of steady history (hourly and per step), then `last` for the window's steps. */
function build(
  base: Partial<AllowedRow>,
  last: Partial<AllowedRow> | null,
  windowHours = 2,
): SeriesBuilder {
  const b = new SeriesBuilder(STEP);
  const start = FROM - 10 * DAY;
  for (let t = start; t < FROM + windowHours * HOUR; t += HOUR) {
    const inWindow = t >= FROM;
    const hourRow = inWindow && last ? { ...base, ...last } : base;
    b.add(
      row({
        ...hourRow,
        bucket: t,
        flows: (hourRow.flows ?? 100) * 4,
        bytes: (hourRow.bytes ?? 1e6) * 4,
      }),
      'hour',
    );
  }
  for (let t = FROM - 2 * HOUR; t < FROM + windowHours * HOUR; t += STEP) {
    const r = t >= FROM && last ? { ...base, ...last } : base;
    b.add(row({ ...r, bucket: t }), 'step');
  }
  return b;
}

const win = { from: FROM, to: FROM + 2 * HOUR };

describe('detectAllowed', () => {
  it('stays quiet on steady traffic', () => {
    expect(detectAllowed(build({}, null).finish(), win, O)).toEqual([]);
  });

  it('flags a tenfold internal increase as a traffic spike, once (connection, not totals)', () => {
    const found = detectAllowed(build({}, { flows: 1000, bytes: 10_000_000 }).finish(), win, O);
    const types = found.map((f) => f.type);
    expect(types).toContain('traffic-spike');
    const conn = found.find((f) => f.subject.peer === 'shop/api');
    expect(conn?.evidence).toMatchObject({ unit: 'bytes', observed: 10_000_000, usual: 1_000_000 });
    expect(conn?.explanation).toContain('10.0×');
  });

  it('calls a big egress increase to an external peer exfiltration', () => {
    const ext = { dstNamespace: null, dstWorkload: 'world', dstKind: 'external' };
    const found = detectAllowed(build(ext, { bytes: 20_000_000 }).finish(), win, O);
    expect(found.map((f) => f.type)).toContain('exfiltration');
    expect(found.find((f) => f.type === 'exfiltration')?.subject).toMatchObject({
      workload: 'web',
      peer: 'world',
    });
  });

  it('needs a minimum history before flagging', () => {
    const b = new SeriesBuilder(STEP);
    b.add(row({ bucket: FROM - DAY }), 'hour');
    for (let t = FROM; t < FROM + HOUR; t += STEP)
      b.add(row({ bucket: t, flows: 5000, bytes: 5e8 }), 'step');
    expect(detectAllowed(b.finish(), win, O).filter((f) => f.type !== 'new-connection')).toEqual(
      [],
    );
  });

  it('says flows when the source reports no bytes', () => {
    const found = detectAllowed(
      build({ source: 'hubble', bytes: null }, { flows: 2000 }).finish(),
      win,
      O,
    );
    const f = found.find((x) => x.type === 'traffic-spike');
    expect(f?.evidence.unit).toBe('flows');
    expect(f?.explanation).toContain('hubble reports no bytes');
  });

  it('flags UDP replies far larger than requests from an external peer on a reflector port', () => {
    const b = new SeriesBuilder(STEP);
    for (let t = FROM; t < FROM + HOUR; t += STEP)
      b.add(
        row({
          bucket: t,
          srcNamespace: null,
          srcWorkload: 'world',
          srcKind: 'external',
          protocol: 'UDP',
          port: 123,
          flows: 1800,
          bytes: 1800 * 48_000,
        }),
        'step',
      );
    const [f] = detectAllowed(b.finish(), win, O, new Map([['c1|shop/api|123', 200]]));
    expect(f).toMatchObject({ type: 'amplification', severity: 'high' });
    expect(f?.evidence.extra['bytesOutToIn']).toBe(200);
  });

  it('reports a never-seen connection from a workload known for days', () => {
    const b = build({}, null);
    for (let t = FROM; t < FROM + HOUR; t += STEP)
      b.add(row({ bucket: t, dstWorkload: 'redis-0', port: 6379, flows: 5 }), 'step');
    const found = detectAllowed(b.finish(), win, O);
    expect(found.map((f) => f.type)).toEqual(['new-connection']);
    expect(found[0]?.explanation).toContain('never seen before');
  });
});
