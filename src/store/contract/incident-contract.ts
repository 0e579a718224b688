/**
 * The IncidentStore contract: every backend runs this suite (DESIGN.md §7.4).
 *
 * @example
 * describeIncidentStoreContract('sqlite', async () => {
 *   const flows = openSqliteStore({ path: join(dir, 'db.sqlite') });
 *   return { store: openSqliteIncidentStore(flows.db), cleanup: () => flows.close() };
 * });
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { incidentFixture } from '../../domain/incident/incident-fixture.js';
import type { Incident, StoredIncidentLink } from '../../domain/incident/types.js';
import type { IncidentStore } from '../incident-store.js';

export interface IncidentStoreHandle {
  store: IncidentStore;
  cleanup(): Promise<void>;
}

const T = Date.UTC(2026, 2, 1, 12);
const H = 3_600_000;

const findingLink = (id: string, at = T): StoredIncidentLink => ({
  link: { kind: 'finding', findingId: id },
  addedAt: at,
  addedBy: 'alice',
});

const flowLink: StoredIncidentLink = {
  link: {
    kind: 'flow',
    flow: {
      time: T - H,
      cluster: 'c1',
      src: { namespace: 'shop', pod: 'web-1', workload: 'web' },
      dst: { namespace: 'payments', pod: 'api-0', workload: 'api', ip: null },
      protocol: 'TCP',
      port: 5432,
      verdict: 'denied',
    },
  },
  addedAt: T,
  addedBy: 'alice',
};

export function describeIncidentStoreContract(
  label: string,
  open: () => Promise<IncidentStoreHandle>,
): void {
  describe(`IncidentStore contract: ${label}`, () => {
    let h: IncidentStoreHandle;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.cleanup();
    });
    const created = {
      time: T,
      actor: 'alice',
      kind: 'created' as const,
      text: 'opened',
      details: {},
    };

    it('creates an incident and reads it back with its timeline and links', async () => {
      const d = await h.store.createIncident({
        incident: incidentFixture(),
        links: [findingLink('f1'), flowLink, findingLink('f1')],
        timeline: [{ ...created, details: { from: 'finding', n: 1 } }],
      });
      expect(d.incident).toEqual(incidentFixture({ namespaces: ['payments', 'shop'] }));
      expect(d.links.map((l) => l.link)).toEqual([findingLink('f1').link, flowLink.link]);
      expect(d.timeline).toHaveLength(1);
      expect(d.timeline[0]).toMatchObject({ kind: 'created', details: { from: 'finding', n: 1 } });
      expect(await h.store.getIncident('inc-1')).toEqual(d);
      expect(await h.store.getIncident('no-such')).toBeNull();
    });

    it('refuses a duplicate id', async () => {
      await h.store.createIncident({ incident: incidentFixture(), links: [], timeline: [] });
      await expect(
        h.store.createIncident({ incident: incidentFixture(), links: [], timeline: [] }),
      ).rejects.toThrow();
    });

    it('updates fields and appends timeline entries in order; unknown ids give null', async () => {
      await h.store.createIncident({ incident: incidentFixture(), links: [], timeline: [created] });
      const u = await h.store.updateIncident(
        'inc-1',
        {
          status: 'contained',
          containedAt: T + H,
          assignee: 'bob',
          updatedAt: T + H,
          namespaces: ['shop'],
        },
        [{ time: T + H, actor: 'alice', kind: 'status', text: 'open → contained', details: {} }],
      );
      expect(u).toMatchObject({
        status: 'contained',
        containedAt: T + H,
        assignee: 'bob',
        namespaces: ['shop'],
      });
      const e = await h.store.addTimelineEntry('inc-1', {
        time: T + 2 * H,
        actor: 'bob',
        kind: 'comment',
        text: 'looking',
        details: {},
      });
      expect(e?.id).toBeTypeOf('number');
      const d = await h.store.getIncident('inc-1');
      expect(d?.timeline.map((x) => x.kind)).toEqual(['created', 'status', 'comment']);
      expect(d?.incident.updatedAt).toBe(T + 2 * H);
      expect(await h.store.updateIncident('nope', { updatedAt: T }, [])).toBeNull();
      expect(await h.store.addTimelineEntry('nope', created)).toBeNull();
      expect(await h.store.addLinks('nope', [])).toBeNull();
      // Clearing a field with null is a change, not "absent".
      const cleared = await h.store.updateIncident(
        'inc-1',
        { assignee: null, updatedAt: T + 3 * H },
        [],
      );
      expect(cleared?.assignee).toBeNull();
    });

    it('adds links without duplicates and moves detectedAt earlier only', async () => {
      await h.store.createIncident({
        incident: incidentFixture(),
        links: [findingLink('f1')],
        timeline: [],
      });
      expect(
        await h.store.addLinks('inc-1', [findingLink('f1'), findingLink('f2')], T - 5 * H),
      ).toBe(1);
      expect(await h.store.addLinks('inc-1', [flowLink], T)).toBe(1);
      const d = await h.store.getIncident('inc-1');
      expect(d?.incident.detectedAt).toBe(T - 5 * H);
      expect(d?.links).toHaveLength(3);
      expect(await h.store.listIncidents({ findingId: 'f2' })).toHaveLength(1);
      expect(await h.store.listIncidents({ findingId: 'f9' })).toHaveLength(0);
    });

    it('filters by period, status, severity, outcome and namespace scope', async () => {
      const mk = (id: string, over: Partial<Incident>): Promise<unknown> =>
        h.store.createIncident({
          incident: incidentFixture({ id, ...over }),
          links: [],
          timeline: [],
        });
      await mk('a', { createdAt: T, namespaces: ['shop'] });
      await mk('b', {
        createdAt: T + H,
        severity: 'low',
        namespaces: ['billing'],
        status: 'closed',
        outcome: 'false-positive',
        closedAt: T + 2 * H,
        resolvedAt: T + 2 * H,
      });
      await mk('c', { createdAt: T + 2 * H, cluster: 'c2', namespaces: [] });
      const ids = async (f: Parameters<IncidentStore['listIncidents']>[0]): Promise<string[]> =>
        (await h.store.listIncidents(f)).map((i) => i.id);
      expect(await ids({})).toEqual(['c', 'b', 'a']);
      expect(await ids({ from: T + H, to: T + 2 * H })).toEqual(['b']);
      expect(await ids({ status: ['closed'] })).toEqual(['b']);
      expect(await ids({ severity: ['high'] })).toEqual(['c', 'a']);
      expect(await ids({ outcome: ['false-positive'] })).toEqual(['b']);
      expect(await ids({ cluster: ['c2'] })).toEqual(['c']);
      expect(await ids({ namespaces: ['shop', 'billing'] })).toEqual(['b', 'a']);
      expect(await ids({ namespaces: [] })).toEqual([]);
      expect(await ids({ limit: 1 })).toEqual(['c']);
    });

    it('computes period figures: counts and time to contain and resolve', async () => {
      await h.store.createIncident({
        incident: incidentFixture({
          id: 'a',
          detectedAt: T,
          containedAt: T + H,
          resolvedAt: T + 3 * H,
          status: 'resolved',
          outcome: 'attack-contained',
        }),
        links: [],
        timeline: [],
      });
      await h.store.createIncident({
        incident: incidentFixture({
          id: 'b',
          detectedAt: T,
          containedAt: T + 3 * H,
          severity: 'critical',
          status: 'contained',
        }),
        links: [],
        timeline: [],
      });
      await h.store.createIncident({
        incident: incidentFixture({ id: 'old', createdAt: T - 100 * H }),
        links: [],
        timeline: [],
      });
      const s = await h.store.incidentStats({ from: T - H, to: T + H });
      expect(s.total).toBe(2);
      expect(s.byStatus).toMatchObject({ resolved: 1, contained: 1, open: 0 });
      expect(s.bySeverity).toMatchObject({ high: 1, critical: 1 });
      expect(s.byOutcome['attack-contained']).toBe(1);
      expect(s.contained).toBe(2);
      expect(s.meanTimeToContainMs).toBe(2 * H);
      expect(s.maxTimeToContainMs).toBe(3 * H);
      expect(s.resolved).toBe(1);
      expect(s.meanTimeToResolveMs).toBe(3 * H);
      const none = await h.store.incidentStats({ from: 0, to: 1 });
      expect(none.total).toBe(0);
      expect(none.meanTimeToContainMs).toBeNull();
    });

    it('deletes closed incidents past retention with their timeline and links', async () => {
      await h.store.createIncident({
        incident: incidentFixture({ id: 'old', status: 'closed', closedAt: T, outcome: 'other' }),
        links: [findingLink('f1')],
        timeline: [created],
      });
      await h.store.createIncident({
        incident: incidentFixture({ id: 'open' }),
        links: [],
        timeline: [],
      });
      expect(await h.store.deleteClosedBefore(T + 1)).toBe(1);
      expect(await h.store.getIncident('old')).toBeNull();
      expect(await h.store.listIncidents({ findingId: 'f1' })).toEqual([]);
      expect(await h.store.getIncident('open')).not.toBeNull();
    });
  });
}
