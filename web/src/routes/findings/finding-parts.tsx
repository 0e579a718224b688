/** Small pieces shared by the findings and review pages. */
import type { FindingView } from '@api/finding-schema.js';

export function SeverityBadge({ severity }: { severity: string }): React.JSX.Element {
  return <span className={`sev sev-${severity}`}>{severity}</span>;
}

export function SuppressedMark({
  suppression,
}: {
  suppression: { expiresAt: number; owner: string; reason: string } | null;
}): React.JSX.Element | null {
  if (!suppression) return null;
  const until = new Date(suppression.expiresAt).toISOString().slice(0, 16).replace('T', ' ');
  return (
    <span
      className="suppressed-mark"
      title={`${suppression.reason} (owner ${suppression.owner})`}
      data-testid="suppressed"
    >
      suppressed until {until} UTC
    </span>
  );
}

export function subjectText(f: Pick<FindingView, 'subject'>): string {
  const s = f.subject;
  return [s.namespace, s.workload].filter((x) => x !== null).join('/') || s.cluster;
}

export const DENIED_TYPES = [
  'misconfiguration',
  'port-scan',
  'ip-sweep',
  'external-probe',
  'blocked-egress',
  'unknown',
];
