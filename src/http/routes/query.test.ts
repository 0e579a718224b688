import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../../api/config-schema.js';
import { buildServices, openFlowStore, type Services } from '../../services/config-store.js';
import { makeFlow, T0 } from '../../testing/flow-factory.js';
import { buildApp } from '../app.js';

interface Page {
  flows: { id: string; time: number }[];
  next: string | null;
  searchedTo: number | null;
}

const MIN = 60_000;

/**
 * `GET /api/v1/flows` with a search budget of 0: every page stops after one time slice, as a
 * slow search on a large store does after `server.flowSearchMs`.
 */
describe('GET /api/v1/flows within a search budget', () => {
  let dir: string;
  let services: Services;
  let app: FastifyInstance;
  let base: string;
  let auth: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netsec-query-'));
    const config = structuredClone(CONFIG_DEFAULTS);
    config.store.path = join(dir, 'netsec.db');
    config.server.flowSearchMs = 0;
    services = buildServices(await openFlowStore(config), { config });
    // 30 events on port 9999 spread over 15 hours, 60 others between them.
    const flows = Array.from({ length: 90 }, (_, i) =>
      makeFlow({ time: T0 - i * 10 * MIN, port: i % 3 === 0 ? 9999 : 443 }),
    );
    await services.store.writeBatch({ id: 'b', flows, source: 'hubble', receivedAt: T0 });
    app = await buildApp({ ...services, config }, { logger: false });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    const token = await services.tokens.create('reader', null, { kind: 'read' });
    auth = { authorization: `Bearer ${token.token}` };
  });
  afterAll(async () => {
    await app.close();
    await services.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function follow(query: string): Promise<Page[]> {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const c: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const r = await fetch(`${base}/api/v1/flows?${query}${c}`, { headers: auth });
      expect(r.status).toBe(200);
      const page = (await r.json()) as Page;
      pages.push(page);
      cursor = page.next;
    } while (cursor !== null && pages.length < 200);
    return pages;
  }

  it('answers short pages that say how far they searched, and following next finds every event once', async () => {
    const plain = await services.store.queryFlows({ port: 9999 }, { limit: 1000 });
    expect(plain.flows).toHaveLength(30);
    for (const query of [
      'port=9999&limit=10',
      `port=9999&limit=10&from=${T0 - 900 * MIN}&to=${T0 + 1}`,
    ]) {
      const pages = await follow(query);
      expect(pages.at(-1)?.next).toBeNull();
      expect(pages.flatMap((p) => p.flows.map((f) => f.id))).toEqual(plain.flows.map((f) => f.id));
      // Slices that ran out of time: short (some empty) pages with a cursor and a time.
      const cut = pages.filter((p) => p.searchedTo !== null);
      expect(cut.length).toBeGreaterThan(3);
      for (const p of cut) {
        expect(p.flows.length).toBeLessThan(10);
        expect(p.next).not.toBeNull();
      }
      expect(cut.some((p) => p.flows.length === 0)).toBe(true);
      const times = cut.map((p) => p.searchedTo ?? NaN);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      // The open window is searched from today down to the epoch in doubling slices.
      expect(pages.length).toBeLessThan(80);
    }
  });
});
