import { describe, expect, it } from 'vitest';

import { createSource, parseDurationMs, sourceName, SourceSpecError } from './registry.js';

const opts = { cluster: 'c', stateDir: '/tmp' };

describe('source registry', () => {
  it('builds each kind from its spec', () => {
    expect(createSource('hubble-relay://relay:4245', opts).kind).toBe('hubble-relay');
    expect(createSource('goldmane://goldmane:7443', opts).kind).toBe('goldmane');
    expect(createSource('whisker+http://whisker:3002/flows', opts).kind).toBe('whisker');
    expect(createSource('file:///var/run/cilium/hubble/events.log', opts).kind).toBe('file');
    expect(createSource('accountant+http://10.0.0.5:9009/metrics?interval=15s', opts).kind).toBe(
      'accountant',
    );
  });

  it('builds the PromQL source with its options', () => {
    const src = createSource('promql+http://prom:9090?step=30s&match=cluster%3D%22prod%22', opts);
    expect(src.kind).toBe('promql');
    expect(src.name).toBe('promql+http://prom:9090');
    expect(() => createSource('promql+http://prom:9090?step=soon', opts)).toThrow(SourceSpecError);
    expect(
      createSource(
        'promql+http://prom:9090?hubble-source=workload-name&hubble-destination=ip',
        opts,
      ).kind,
    ).toBe('promql');
    expect(() => createSource('promql+http://prom:9090?hubble-source=labels', opts)).toThrow(
      /hubble-source="labels": expected one of auto, namespace/,
    );
  });

  it('names sources without query or credentials', () => {
    expect(sourceName('whisker+https://u:secret@w:3002/flows?token=x')).toBe(
      'whisker+https://w:3002/flows',
    );
    expect(createSource('hubble-relay://relay:4245?filter=all', opts).name).toBe(
      'hubble-relay://relay:4245',
    );
  });

  it('rejects unknown schemes, filters, formats and durations', () => {
    expect(() => createSource('kafka://x:1', opts)).toThrow(SourceSpecError);
    expect(() => createSource('hubble-relay://r:1?filter=some', opts)).toThrow(/filter/);
    expect(() => createSource('file:///x.log?format=pcap', opts)).toThrow(/format/);
    expect(() => createSource('not a url', opts)).toThrow(SourceSpecError);
    expect(() => parseDurationMs('soon')).toThrow(SourceSpecError);
    expect(parseDurationMs('1.5m')).toBe(90_000);
  });

  it('reads TLS files named in the spec (a missing one fails at once)', () => {
    expect(() => createSource('hubble-relay://r:4245?ca=/nonexistent/ca.pem', opts)).toThrow(
      /ENOENT/,
    );
  });
});
