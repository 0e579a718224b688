// The user commands on every netpol-analyzer input: lint runs, a suggestion for a denied pair
// really allows it, and the label-based quarantine leaves nothing allowed.
import { describe, expect, it } from 'vitest';

import { caseInput, type CaseJson, listCases, readCase } from '../../testing/netpol-cases.js';
import { buildClusterModel } from './index.js';
import { lintModel } from './lint.js';
import { quarantinePlan } from './quarantine.js';
import { suggestChange } from './suggest.js';

const cases = listCases().filter((c) => c.suite === 'netpol-analyzer');

describe.each(cases.map((c) => [c.file, c] as const))('analyzer input %s', (_name, file) => {
  const c: CaseJson = readCase(file.path);
  const { model } = buildClusterModel(caseInput(c));
  const opts = { ipBlockMatchesPods: false };

  it('lints, suggests and quarantines', () => {
    const findings = lintModel(model);
    expect(findings.every((f) => f.fix.length > 0)).toBe(true);

    const denied = (c.expected.workloadPairs ?? []).find(
      (p: CaseJson) => Object.keys(p.allowed).length === 0,
    );
    const name = (w: string): string => w.replace(/\[[^\]]+\]$/, '');
    if (denied) {
      let s;
      try {
        s = suggestChange(
          model,
          {
            from: name(denied.src.workload),
            to: name(denied.dst.workload),
            port: 8080,
            protocol: 'TCP',
          },
          opts,
        );
      } catch (err) {
        // Only a workload without stable labels may be refused.
        expect(String(err)).toMatch(/no stable labels|names \d+ workloads/);
      }
      if (s) {
        expect(s.alreadyAllowed).toBe(false);
        expect(s.verified).toBe(true);
      }
    }

    const first = model.pods[0]!.workload;
    try {
      const plan = quarantinePlan(model, `${first.namespace}/${first.kind}/${first.name}`, opts);
      expect(plan.labelApproach.remaining).toEqual([]);
    } catch (err) {
      expect(String(err)).toMatch(/no stable labels/);
    }
  });
});
