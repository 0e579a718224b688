import { describe, expect, it } from 'vitest';

import { EndpointMapper } from './endpoint.js';

describe('EndpointMapper label cache', () => {
  it('maps each flow from its own labels even when an identity number comes with other labels', () => {
    const m = new EndpointMapper([]);
    const ep = (labels: string[]): unknown => ({
      identity: 4242,
      namespace: 'shop',
      pod_name: 'web-1',
      labels,
    });
    const a = m.map(ep(['k8s:app=web', 'k8s:tier=front']), '10.0.0.1', []);
    const again = m.map(ep(['k8s:app=web', 'k8s:tier=front']), '10.0.0.1', []);
    const other = m.map(ep(['k8s:app=evil']), '10.0.0.1', []);
    const longer = m.map(ep(['k8s:app=web', 'k8s:tier=front', 'k8s:x=y']), '10.0.0.1', []);
    expect(a.labels).toEqual({ app: 'web', tier: 'front' });
    expect(again.labels).toBe(a.labels);
    expect(other.labels).toEqual({ app: 'evil' });
    expect(longer.labels).toEqual({ app: 'web', tier: 'front', x: 'y' });
    expect(m.map(ep(['reserved:world']), '8.8.8.8', []).kind).toBe('pod');
    expect(m.map({ identity: 2, labels: ['reserved:world'] }, '8.8.8.8', [])).toMatchObject({
      kind: 'external',
      externalGroup: 'world',
    });
  });
});
