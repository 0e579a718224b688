/**
 * Fuzzing every API route (issue #10): random query strings and JSON bodies, with huge numbers,
 * odd unicode, prototype-pollution keys and broken encodings, through `app.inject` on the full
 * app (auth included, as an admin so that input reaches the validators). No answer is a 5xx,
 * every error is JSON with `error`, nothing pollutes Object.prototype, and a 400 for a single
 * query field names that field. `NETSEC_FUZZ_RUNS=100000` runs the long form.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildTestApp, type TestApp } from '../../src/testing/auth-app.js';
import { type TestSession, testSession } from '../../src/testing/auth-session.js';
import { makeFlow, T0 } from '../../src/testing/flow-factory.js';
import {
  fuzzRuns,
  fuzzTimeout,
  jsonBody,
  KNOWN_FIELDS,
  prototypePolluted,
  queryString,
  queryValue,
} from '../../src/testing/fuzz-inputs.js';

const RUNS = fuzzRuns(12);
/** Routes that would end the fuzzing session, or are covered by the ingest suite. */
const SKIP = new Set(['POST /api/v1/auth/logout', 'POST /api/v1/ingest']);

/** Queries tried, in order, until a route accepts one (a time range is often required). */
const BASELINES: [string, string][][] = [
  [],
  [
    ['from', String(T0 - 3_600_000)],
    ['to', String(T0 + 3_600_000)],
  ],
];

let t: TestApp;
let admin: TestSession;

beforeAll(async () => {
  t = await buildTestApp({
    now: T0 + 3_600_000,
    flows: [makeFlow(), makeFlow({ verdict: 'allowed', reason: 'allowed-by-policy' })],
  });
  admin = await testSession(t.services.auth, 'admin');
}, 60_000);
afterAll(async () => t?.close());

function check(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode >= 400 && res.statusCode !== 404) {
    const type = String(res.headers['content-type'] ?? '');
    expect(type, `${what}: error is not JSON`).toContain('application/json');
    const body = res.json() as Record<string, unknown>;
    expect(typeof body['error'], `${what}: ${res.body.slice(0, 200)}`).toBe('string');
  }
  expect(prototypePolluted(), `${what} polluted Object.prototype`).toBe(false);
}

const pathParam = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('__proto__', 'constructor', '..', '%2e%2e', '0', '-1', '9'.repeat(40)),
);

function fill(url: string, params: string[]): string {
  let i = 0;
  return url
    .replace(/:[A-Za-z]+/g, () => encodeURIComponent(params[i++ % params.length] ?? 'x'))
    .replace(/\*$/, () => encodeURIComponent(params[0] ?? 'x'));
}

describe('API fuzzing: every route', () => {
  it('collects the routes', () => {
    expect(t.routes.length).toBeGreaterThan(20);
    console.log(`fuzzing ${t.routes.length} registered routes`);
  });

  it(
    `no route answers 5xx to random queries and bodies (${RUNS} runs per route)`,
    async () => {
      const routes = t.routes.filter(
        (r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !SKIP.has(`${r.method} ${r.url}`),
      );
      for (const route of routes) {
        const withBody = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method);
        await fc.assert(
          fc.asyncProperty(
            queryString,
            jsonBody,
            fc.array(pathParam, { minLength: 1, maxLength: 3 }),
            fc.boolean(),
            async (qs, body, params, asJson) => {
              const url = `${fill(route.url, params)}${qs ? `?${qs}` : ''}`;
              const res = await t.app.inject({
                method: route.method as 'GET',
                url,
                headers: {
                  ...admin.headers,
                  ...(withBody
                    ? { 'content-type': asJson ? 'application/json' : 'text/plain' }
                    : {}),
                },
                ...(withBody ? { payload: body } : {}),
              });
              check(res, `${route.method} ${url} ${withBody ? body.slice(0, 80) : ''}`);
            },
          ),
          { numRuns: RUNS },
        );
      }
    },
    fuzzTimeout(300_000),
  );

  it(
    'a 400 for one query field names the field',
    async () => {
      const getRoutes = t.routes.filter(
        (r) => r.method === 'GET' && r.url.startsWith('/api/v1/') && !r.url.includes(':'),
      );
      const seen = new Map<string, number>();
      const unnamed = new Map<string, string>();
      const noBaseline: string[] = [];
      for (const route of getRoutes) {
        // A query the route accepts; one field of it is then replaced (or added) at random.
        let baseline: [string, string][] | null = null;
        for (const candidate of BASELINES) {
          const url = `${route.url}?${new URLSearchParams(candidate).toString()}`;
          const res = await t.app.inject({ method: 'GET', url, headers: admin.headers });
          if (res.statusCode === 200) {
            baseline = candidate;
            break;
          }
        }
        if (baseline === null) {
          noBaseline.push(route.url);
          continue;
        }
        const base = baseline;
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...KNOWN_FIELDS), queryValue, async (key, value) => {
            const pairs: [string, string][] = [...base.filter(([k]) => k !== key), [key, value]];
            const url = `${route.url}?${new URLSearchParams(pairs).toString()}`;
            const res = await t.app.inject({ method: 'GET', url, headers: admin.headers });
            check(res, `GET ${url}`);
            if (res.statusCode === 400) {
              seen.set(route.url, (seen.get(route.url) ?? 0) + 1);
              if (!res.body.includes(key))
                unnamed.set(`${route.url} ${key}`, res.body.slice(0, 160));
            }
          }),
          { numRuns: RUNS * 2 },
        );
      }
      console.log(
        `field naming: ${seen.size} routes refused input; no accepted baseline: ${noBaseline.join(', ')}`,
      );
      const found = [...unnamed.keys()];
      expect(found, JSON.stringify(Object.fromEntries(unnamed), null, 1)).toEqual([]);
      // The property is not vacuous: validators did refuse input on most query routes.
      expect(seen.size).toBeGreaterThan(5);
    },
    fuzzTimeout(300_000),
  );
});
