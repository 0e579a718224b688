#!/usr/bin/env node
// The flow explorer's search in slices (`searchFlows`, server.flowSearchMs) against one query
// (against dist/, SQLite). A search whose filter no index serves reads the whole window when
// nothing matches; sliced, each request answers after about the budget and says how far back
// it searched, and the client asks again.
//
// In one run: writes --flows generated flows, copies the raw-event rows onto themselves (SQL)
// until there are --raw, then for each filter times one `queryFlows` page (the baseline, as the
// explorer asked before) and a search of the same window in pages of --budget ms, following
// its cursors to the end; alternately, --runs rounds. It stops if the two find different rows.
// The last filter has no window, as a script's `GET /api/v1/flows` without from/to.
//
//   node bench/flow-search.mjs [--flows 1000000] [--raw 4000000] [--budget 1000] [--runs 3]
//                              [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { searchFlows } from '../dist/store/flow-search.js';
import { openSqliteStore } from '../dist/store/sqlite/sqlite-store.js';
import { flag, median } from './lib/args.mjs';
import { batches as flowBatches, now } from './lib/flow-batches.mjs';
import { growSqliteRawEvents } from './lib/raw-copies.mjs';

const FLOWS = Number(flag('flows', 1_000_000));
const RAW = Number(flag('raw', 4_000_000));
const BUDGET = Number(flag('budget', 1000));
const RUNS = Number(flag('runs', 3));
const JSON_OUT = process.argv.includes('--json');
const log = (m) => process.stderr.write(`${m}\n`);
const LIMIT = 1000;

const dir = mkdtempSync(join(tmpdir(), 'netsec-bench-search-'));
const path = join(dir, 'search.db');
const store = openSqliteStore({ path });
try {
  await store.migrate();
  log(`writing ${FLOWS.toLocaleString('en-US')} flows …`);
  let b = 0;
  // Times spread over a day (the generator's own steps are 0.6 ms apart).
  const start = Date.UTC(2025, 0, 15, 12);
  const span = 86_400_000;
  let n = 0;
  for (const flows of flowBatches(FLOWS, 7, 1_000)) {
    for (const f of flows) f.time = start + Math.floor((n++ * span) / FLOWS);
    await store.writeBatch({ id: `b${b++}`, flows, source: 'hubble', receivedAt: 0 });
  }
  const rawEvents = await growSqliteRawEvents(path, RAW, log);
  log(`raw events: ${rawEvents.toLocaleString('en-US')}`);
  const window = { from: start, to: start + span };
  const filters = {
    'an IP no event has': { ip: '203.0.113.9' },
    'a pod no event has': { pod: 'nope-0' },
    'a port few events have (53/UDP)': { port: 53 },
    // As a script asks `GET /api/v1/flows` without from/to: searched from now (here, the end of
    // the day of data) down to the epoch.
    'an IP, open window (script API)': { ip: '203.0.113.9', open: true },
  };
  const results = [];
  for (const [name, { open, ...f }] of Object.entries(filters)) {
    const filter = open ? f : { ...window, ...f };
    const options = open ? { top: window.to } : {};
    const one = [];
    const total = [];
    const longest = [];
    let requests = 0;
    let rows = 0;
    for (let r = 0; r < RUNS; r++) {
      let t = now();
      const plain = await store.queryFlows(filter, { limit: LIMIT });
      one.push(now() - t);
      // The explorer's first screen: pages until 1,000 rows or the window's start.
      const found = [];
      let cursor = null;
      let slowest = 0;
      requests = 0;
      t = now();
      do {
        const t1 = now();
        const page = await searchFlows(
          store,
          filter,
          { limit: LIMIT - found.length, cursor },
          BUDGET,
          options,
        );
        slowest = Math.max(slowest, now() - t1);
        requests++;
        found.push(...page.flows);
        cursor = page.next;
      } while (cursor !== null && found.length < LIMIT);
      total.push(now() - t);
      longest.push(slowest);
      rows = found.length;
      const a = plain.flows.map((x) => x.id).join();
      const z = found.map((x) => x.id).join();
      if (a !== z) throw new Error(`${name}: the sliced search found other rows`);
    }
    results.push({
      filter: name,
      rows,
      oneQueryMs: Math.round(median(one)),
      slicedTotalMs: Math.round(median(total)),
      slicedLongestRequestMs: Math.round(median(longest)),
      requests,
      ratioTotal: Number((median(total) / median(one)).toFixed(2)),
      ratioLongest: Number((median(longest) / median(one)).toFixed(2)),
    });
  }
  if (JSON_OUT) console.log(JSON.stringify({ rawEvents, budgetMs: BUDGET, runs: RUNS, results }));
  else {
    console.log(
      `${rawEvents.toLocaleString('en-US')} raw events over a day; budget ${BUDGET} ms; medians of ${RUNS}`,
    );
    for (const r of results) {
      console.log(
        `${r.filter.padEnd(34)} rows ${String(r.rows).padStart(5)}  one query ${r.oneQueryMs} ms` +
          `  sliced: ${r.requests} requests, longest ${r.slicedLongestRequestMs} ms, all ${r.slicedTotalMs} ms` +
          `  (ratios ${r.ratioLongest}, ${r.ratioTotal})`,
      );
    }
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
