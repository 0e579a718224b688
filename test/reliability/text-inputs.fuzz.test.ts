/**
 * Fuzzing of the small text parsers behind flags, configuration and query parameters: times,
 * durations, sizes, IP addresses and CIDRs, flow specs, report periods and Calico policy
 * names. For any text, each one answers or refuses with its own message; what it answers is a
 * finite, safe number where it is a number; and texts it must take come back as meant, checked
 * against a second implementation where Node has one (its IP parser and the WHATWG URL
 * parser's IPv6 form).
 */
import { isIP, isIPv4 } from 'node:net';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseAlertDuration } from '../../src/api/alerting-schema.js';
import { parseConfigDuration } from '../../src/api/config-schema.js';
import { parseTimeSpec } from '../../src/api/query-schema.js';
import { parseBytes } from '../../src/cli/collect-command.js';
import { parsePeriod, PeriodError } from '../../src/domain/compliance/period.js';
import { cidrContains, parseCidr, parseIp, parseIPv4, parseIPv6 } from '../../src/domain/ip.js';
import { formatIp } from '../../src/domain/netpol/external-ranges.js';
import { parseFlow } from '../../src/domain/netpol/flow-endpoint.js';
import { parseDuration } from '../../src/domain/time.js';
import { parsePolicyKey } from '../../src/formats/calico-flowlog/policy-key.js';
import { parseDurationMs, SourceSpecError } from '../../src/sources/registry.js';
import { fuzzRuns } from '../../src/testing/fuzz-inputs.js';

const RUNS = fuzzRuns(300);
const NOW = Date.UTC(2026, 10, 28, 12, 0);

/** Texts near each parser's grammar (digits, units, separators), and any text at all. */
const near = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom('-', 'now', '.', ':', '::', '/', '%', ' ', 'ms', 's', 'm', 'h', 'd', 'w'),
        fc.constantFrom('y', 'KB', 'MiB', 'GB', 'e', 'T', 'Z', '->', '/TCP', 'x'),
        fc.nat().map(String),
        fc.constantFrom('9'.repeat(400), '1'.repeat(17), '0'.repeat(30), '255', '65536'),
        fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 5 }),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join('')),
);

/** A number a parser hands on: null (refused) or finite and within the safe integers. */
function sane(v: number | null): boolean {
  return v === null || Number.isSafeInteger(v);
}

describe('durations, times and sizes', () => {
  it('answer a safe whole number or refuse, for any text', () => {
    fc.assert(
      fc.property(near, (text) => {
        for (const v of [
          parseDuration(text),
          parseConfigDuration(text),
          parseAlertDuration(text),
          parseTimeSpec(text, NOW),
        ]) {
          expect(sane(v), `${JSON.stringify(text)} gave ${v}`).toBe(true);
        }
        for (const [parse, refusal] of [
          [parseDurationMs, SourceSpecError],
          [parseBytes, Error],
        ] as const) {
          let v: number | null = null;
          try {
            v = parse(text);
          } catch (err) {
            expect(err).toBeInstanceOf(refusal);
            expect((err as Error).message).toContain(JSON.stringify(text).slice(0, 20));
          }
          expect(sane(v), `${JSON.stringify(text)} gave ${v}`).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('read a whole number of units as that many milliseconds', () => {
    const units = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom(...(Object.keys(units) as (keyof typeof units)[])),
        (n, unit) => {
          const ms = n * units[unit];
          expect(parseDuration(`${n}${unit}`)).toBe(ms);
          expect(parseAlertDuration(`${n}${unit}`)).toBe(ms);
          expect(parseTimeSpec(`now-${n}${unit}`, NOW)).toBe(NOW - ms);
          expect(parseTimeSpec(`-${n}${unit}`, NOW)).toBe(NOW - ms);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('read an ISO 8601 time or epoch milliseconds as that instant', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2001-09-09T01:46:40Z'),
          max: new Date('2099-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (d) => {
          expect(parseTimeSpec(d.toISOString(), NOW)).toBe(d.getTime());
          expect(parseTimeSpec(String(d.getTime()), NOW)).toBe(d.getTime());
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('IP addresses and CIDRs', () => {
  it('take what Node takes as an address, and nothing it refuses but IPv4 leading zeros', () => {
    const ipish = fc.oneof(
      near,
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV6().map((a) => `${a}%eth0`),
      fc.ipV4Extended(),
    );
    fc.assert(
      fc.property(ipish, (text) => {
        const ours = parseIp(text);
        // Kubernetes' sloppy parser reads `010.0.0.1` as 10.0.0.1; Node refuses it. So do we
        // compare with the zeros removed.
        const unzeroed = text
          .split('.')
          .map((p) => (/^\d{1,3}$/.test(p) ? p.replace(/^0+(?=\d)/, '') : p))
          .join('.');
        const node = isIP(text) !== 0 || (isIPv4(unzeroed) && !text.includes(':'));
        expect(ours !== null, JSON.stringify(text)).toBe(node);
      }),
      { numRuns: RUNS },
    );
  });

  it('give the value Node and the URL parser mean', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        const ip = parseIp(text);
        expect(ip).not.toBeNull();
        if (!ip) return;
        if (ip.bits === 32) expect(formatIp(ip.value, 32)).toBe(text);
        else {
          // The WHATWG URL parser writes an IPv6 host in its RFC 5952 form.
          const canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
          expect(formatIp(ip.value, 128)).toBe(canonical);
          expect(parseIPv6(canonical)).toBe(ip.value);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('mask a CIDR to its network, which holds the address it was written with', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })),
          fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })),
        ),
        ([addr, prefix]) => {
          const cidr = parseCidr(`${addr}/${prefix}`);
          const ip = parseIp(addr);
          expect(cidr).not.toBeNull();
          if (!cidr || !ip) return;
          expect(cidr.prefix).toBe(prefix);
          expect(cidrContains(cidr, ip)).toBe(true);
          const host = BigInt(cidr.bits - prefix);
          expect(cidr.base & ((1n << host) - 1n)).toBe(0n);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuse a CIDR whose prefix is longer than the family, and any text without a slash', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 33, max: 999 }), near, (addr, prefix, text) => {
        expect(parseCidr(`${addr}/${prefix}`)).toBeNull();
        if (!text.includes('/')) expect(parseCidr(text)).toBeNull();
        expect(() => parseIPv4(text)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });
});

describe('flow specs, report periods and Calico policy names', () => {
  it('parse a flow spec or say what is wrong with it, for any text', () => {
    fc.assert(
      fc.property(near, (text) => {
        const r = parseFlow(text);
        if ('error' in r) expect(r.error.length).toBeGreaterThan(10);
        else {
          expect(Number.isInteger(r.flow.port)).toBe(true);
          expect(r.flow.port).toBeGreaterThanOrEqual(1);
          expect(r.flow.port).toBeLessThanOrEqual(65_535);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('read back a flow spec it was given', () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,20}$/);
    fc.assert(
      fc.property(
        name,
        name,
        name,
        name,
        fc.integer({ min: 1, max: 65_535 }),
        fc.constantFrom('TCP', 'udp', 'SCTP'),
        (a, b, c, d, port, proto) => {
          const r = parseFlow(`${a}/${b} -> ${c}/${d} ${port}/${proto}`);
          expect(r).toEqual({
            flow: { from: `${a}/${b}`, to: `${c}/${d}`, port, protocol: proto.toUpperCase() },
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('read a report period as the whole day, month or year, or refuse it naming the form', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('daily', 'monthly', 'annual' as const),
        fc.oneof(
          near,
          fc
            .date({
              min: new Date('1970-01-01T00:00:00Z'),
              max: new Date('2999-12-31T00:00:00Z'),
              noInvalidDate: true,
            })
            .map((d) => d.toISOString().slice(0, 10)),
          fc.integer({ min: 1900, max: 3000 }).map(String),
        ),
        (kind, text) => {
          let p: ReturnType<typeof parsePeriod> | null = null;
          try {
            p = parsePeriod(kind, text);
          } catch (err) {
            expect(err).toBeInstanceOf(PeriodError);
            expect((err as Error).message).toMatch(/expected (YYYY|YYYY-MM|YYYY-MM-DD) \(e\.g\./);
            return;
          }
          expect(p.from).toBeLessThan(p.to);
          expect(new Date(p.from).toISOString().startsWith(text)).toBe(true);
          const days = (p.to - p.from) / 86_400_000;
          if (kind === 'daily') expect(days).toBe(1);
          else if (kind === 'monthly') expect(days).toBeGreaterThanOrEqual(28);
          else expect([365, 366]).toContain(days);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('name a policy for any Calico policy name, with the namespace it was written with', () => {
    fc.assert(
      fc.property(
        fc.option(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { nil: null }),
        fc.constantFrom('', 'staged:', 'knp.default.', 'default.', 'security.', 'staged:default.'),
        fc.oneof(near, fc.stringMatching(/^[a-z0-9.-]{1,20}$/)),
        (ns, prefix, name) => {
          const key = `${ns === null ? '' : `${ns}/`}${prefix}${name}`;
          const p = parsePolicyKey(key);
          expect(typeof p.name).toBe('string');
          // A slash in the name makes the key ambiguous: only the first one is the namespace's.
          if (p.kind === 'Profile' || name.includes('/')) return;
          expect(p.namespace).toBe(ns);
          if (prefix.startsWith('staged:')) expect(p.staged).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
