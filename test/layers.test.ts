// Fails the build when a lower layer imports a higher one (DESIGN.md §3). The ESLint rule says
// the same thing in the editor; this test makes it impossible to land regardless of lint config.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '..', 'src');
const ALLOWED: Record<string, string[]> = {
  domain: [],
  api: ['domain'],
  formats: ['domain', 'api'],
  store: ['domain', 'api'],
  sources: ['domain', 'formats', 'api'],
  services: ['domain', 'formats', 'store', 'sources', 'api'],
  http: ['services', 'api', 'domain'],
  cli: ['services', 'api', 'domain', 'formats', 'http'],
  testing: ['domain', 'api', 'formats', 'store', 'sources', 'services', 'http', 'cli'],
};
const IO = /^(node:|fs$|http$|fastify|better-sqlite3|pg$|@kubernetes\/client-node|pino)/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory()
      ? files(p)
      : p.endsWith('.ts') && !p.endsWith('.test.ts')
        ? [p]
        : [];
  });
}

function violations(): string[] {
  const out: string[] = [];
  for (const file of files(SRC)) {
    const layer = relative(SRC, file).split(sep)[0] as string;
    if (!(layer in ALLOWED)) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) {
        const target = relative(SRC, resolve(file, '..', spec)).split(sep)[0] as string;
        if (target !== layer && target in ALLOWED && !ALLOWED[layer]?.includes(target)) {
          out.push(`${relative(SRC, file)} imports ${spec} (${layer} -> ${target})`);
        }
      } else if (layer === 'domain' && IO.test(spec)) {
        out.push(`${relative(SRC, file)} imports ${spec} (domain must be pure)`);
      }
    }
  }
  return out;
}

describe('layering', () => {
  it('no layer imports a higher one, and the domain does no I/O', () => {
    expect(violations()).toEqual([]);
  });

  it('detects a violation when one exists', () => {
    // Guard against a scanner that silently matches nothing.
    const text = "import { x } from '../store/flow-store.js';";
    expect([...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)].length).toBe(1);
    expect(files(SRC).length).toBeGreaterThan(3);
  });
});
