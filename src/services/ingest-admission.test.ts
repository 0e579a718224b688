import { describe, expect, it } from 'vitest';

import { IngestAdmission } from './ingest-admission.js';

describe('IngestAdmission', () => {
  it('admits bodies up to the limit, refuses past it, and frees what is released once', () => {
    const a = new IngestAdmission(1000);
    let refused = 0;
    a.onRefused(() => refused++);
    const first = a.tryAdmit(600);
    const second = a.tryAdmit(400);
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(a.state()).toEqual({ bytes: 1000, requests: 2, maxBytes: 1000 });
    expect(a.tryAdmit(1)).toBeNull();
    expect(refused).toBe(1);
    first?.();
    first?.();
    expect(a.state()).toEqual({ bytes: 400, requests: 1, maxBytes: 1000 });
    expect(a.tryAdmit(601)).toBeNull();
    expect(a.tryAdmit(600)).not.toBeNull();
    expect(refused).toBe(2);
  });

  it('admits any body when nothing is in flight, so that a large one is not refused forever', () => {
    const a = new IngestAdmission(1000);
    const big = a.tryAdmit(5000);
    expect(big).not.toBeNull();
    expect(a.tryAdmit(1)).toBeNull();
    big?.();
    expect(a.state()).toEqual({ bytes: 0, requests: 0, maxBytes: 1000 });
    expect(a.tryAdmit(1)).not.toBeNull();
  });
});
