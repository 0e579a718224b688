import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { parseYamlDocuments, readOneYamlDocument, YAML_MAX_DEPTH } from './yaml-documents.js';

const js = (text: string) => parseYamlDocuments(text).map((d) => d.toJS() as unknown);

describe('parseYamlDocuments', () => {
  it('reads documents within the limit as parseAllDocuments does', () => {
    const text = 'a: [1, {b: 2}]\n---\n- x\n- - y\n...\n# end\n';
    expect(js(text)).toEqual([{ a: [1, { b: 2 }] }, ['x', ['y']]]);
    expect(parseYamlDocuments(text).flatMap((d) => d.errors)).toEqual([]);
  });

  it('reads one document, or names every problem of a text that must hold one', () => {
    expect(readOneYamlDocument('a: [1]\n')).toEqual({ value: { a: [1] }, problems: [] });
    expect(readOneYamlDocument('')).toEqual({ value: undefined, problems: [] });
    expect(readOneYamlDocument('a: 1\n---\nb: 2\n').problems).toEqual([
      'holds 2 YAML documents where one is expected',
    ]);
    const bad = readOneYamlDocument('a: [1\n');
    expect(bad.value).toBeUndefined();
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatch(/at line 2, column 1$/);
  });

  it('reads every document up to the limit and refuses from twice the limit', () => {
    const refused = (text: string, max: number) =>
      parseYamlDocuments(text, {}, max).flatMap((d) => d.errors.map((e) => e.code));
    const R = ['RESOURCE_EXHAUSTION'];
    // Each shape, nested `max` deep, is read; nested 2 × max + 1 deep, it is not.
    const shapes: Record<string, (n: number) => string> = {
      'compact sequences': (n) => `${'- '.repeat(n)}x`,
      'flow sequences': (n) => `k: ${'['.repeat(n)}${']'.repeat(n)}`,
      'flow mappings': (n) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`,
      'block mappings': (n) =>
        Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' x',
      'sequences under mappings at their column': (n) =>
        Array.from({ length: Math.ceil(n / 2) }, (_, i) => `${' '.repeat(2 * i)}- a:`).join('\n') +
        ' x',
      'explicit keys': (n) => `${'? '.repeat(n)}x`,
    };
    for (const [name, shape] of Object.entries(shapes)) {
      expect(refused(shape(8), 8), name).toEqual([]);
      expect(refused(shape(17), 8), name).toEqual(R);
    }
    // A comment or a blank line at a lower column hides nothing.
    const hidden = 'a:\n  b:\n# c\n\n    c:\n      d:\n        e: 1\n';
    expect(refused(hidden, 4)).toEqual([]);
    expect(refused(hidden, 3)).toEqual(R);
    // The bound counts columns: a shallow document indented at a new column for every key
    // is refused too (the documented price of a bound that needs no parser).
    const wandering = Array.from({ length: 4 }, (_, i) => `k${i}:\n${' '.repeat(i + 1)}v: 1`);
    expect(refused(wandering.join('\n'), 4)).toEqual([]);
    expect(refused(wandering.join('\n') + '\nk:\n' + ' '.repeat(9) + 'v: 1', 4)).toEqual(R);
    expect(parseYamlDocuments('- - - x', {}, 1)[0]?.errors[0]?.message).toBe(
      'nested too deeply at line 1, column 5 (up to 1 levels are read)',
    );
  });

  it('refuses only the deep document and keeps the others, their order and their lines', () => {
    const deep = `${'- '.repeat(20_000)}x`;
    const text = `a: 1\n---\n${deep}\n---\nb: [2\n---\nc: 3\n`;
    const docs = parseYamlDocuments(text);
    expect(docs).toHaveLength(4);
    expect(docs[0]?.toJS()).toEqual({ a: 1 });
    const col = 2 * YAML_MAX_DEPTH + 3;
    expect(docs[1]?.errors.map((e) => e.message)).toEqual([
      `nested too deeply at line 3, column ${col} (up to ${YAML_MAX_DEPTH} levels are read)`,
    ]);
    expect(docs[1]?.errors[0]?.linePos?.[0]).toEqual({ line: 3, col });
    expect(docs[1]?.toJS()).toBeNull();
    // The unclosed flow collection's error names the line where it was found, as before.
    expect(docs[2]?.errors[0]?.linePos?.[0]?.line).toBe(6);
    expect(docs[3]?.toJS()).toEqual({ c: 3 });
  });

  it('agrees with parseAllDocuments on documents within the limit', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 5 }), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    const text = fc.oneof(
      fc
        .array(value, { minLength: 1, maxLength: 3 })
        .map((vs) => vs.map((v) => `---\n${JSON.stringify(v)}\n`).join('')),
      fc.string(),
    );
    fc.assert(
      fc.property(text, (t) => {
        const ours = parseYamlDocuments(t);
        const theirs = parseAllDocuments(t);
        const list = Array.isArray(theirs) ? theirs : [];
        expect(ours.map((d) => d.toJS() as unknown)).toEqual(list.map((d) => d.toJS() as unknown));
        expect(ours.map((d) => d.errors.map((e) => e.message))).toEqual(
          list.map((d) => d.errors.map((e) => e.message)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('never takes a process down on deep input', () => {
    // Composing deep input near the stack's edge ends the process with V8's "RegExpCompiler
    // Allocation failed" when a regular expression is compiled there. A bisection over depths
    // (the walk a fuzzer or a probing client makes) did so every time here with the `yaml`
    // package's own parseAllDocuments, for compact sequences and for flow sequences. Each child
    // runs the same walk through the built module (`npm test` builds first), in a fresh process.
    const module = fileURLToPath(new URL('../../dist/formats/yaml-documents.js', import.meta.url));
    const script = `
      const { parseYamlDocuments } = await import(${JSON.stringify(module)});
      const shape = process.argv[1] === 'flow'
        ? (n) => '['.repeat(n) + ']'.repeat(n)
        : (n) => '- '.repeat(n) + 'x';
      const read = (n) => parseYamlDocuments(shape(n)).every((d) => d.errors.length === 0 && (d.toJS(), true));
      let lo = 10;
      let hi = 20000;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (read(mid)) lo = mid;
        else hi = mid - 1;
      }
      console.log(lo);`;
    for (const shape of ['compact', 'flow']) {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, shape], {
        encoding: 'utf8',
      });
      expect(r.stderr).not.toContain('FATAL');
      expect(r.status, r.stderr).toBe(0);
      // The deepest document read: the limit, or a little more where the bound is loose.
      const deepest = Number(r.stdout.trim());
      expect(deepest).toBeGreaterThanOrEqual(YAML_MAX_DEPTH);
      expect(deepest).toBeLessThanOrEqual(2 * YAML_MAX_DEPTH + 2);
    }
  });
});
