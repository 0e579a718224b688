import { useState } from 'react';

import { useQuarantineApply, useQuarantinePlan } from '../../api/incidents';
import { Panel } from '../../components/panel';

/** Quarantine: plan (policy YAML and blast radius), then apply or lift with the workload name typed again. */
export function QuarantinePanel({
  id,
  workload,
}: {
  id: string;
  workload: string | null;
}): React.JSX.Element {
  const [target, setTarget] = useState(workload ?? '');
  const [confirm, setConfirm] = useState('');
  const plan = useQuarantinePlan(id);
  const apply = useQuarantineApply(id);
  const p = plan.data;
  const name = p?.workload.split('/').pop() ?? '';
  return (
    <Panel
      title="Quarantine"
      subtitle="A deny-all NetworkPolicy for the workload. Planning changes nothing; applying needs the quarantine permission."
      testId="quarantine-panel"
    >
      <div className="filters">
        <label>
          Workload{' '}
          <input
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder="namespace/Kind/name"
            data-testid="quarantine-workload"
          />
        </label>
        <button
          type="button"
          disabled={plan.isPending || !target.trim()}
          onClick={() => plan.mutate({ workload: target.trim() })}
          data-testid="quarantine-plan"
        >
          Plan quarantine
        </button>
      </div>
      {plan.error ? <p className="danger-text">{plan.error.message}</p> : null}
      {p ? (
        <div data-testid="quarantine-result">
          <p>
            {p.workload}: {p.pods} pod(s); policy {p.policy.namespace}/{p.policy.name}.
          </p>
          <h3>Blast radius</h3>
          <ul>
            {[...p.cut, ...p.remaining].slice(0, 100).map((c) => (
              <li key={c} className="small">
                {c}
              </li>
            ))}
            {p.notes.map((n) => (
              <li key={n} className="small muted">
                {n}
              </li>
            ))}
          </ul>
          <pre className="note" data-testid="quarantine-yaml">
            {p.yaml}
          </pre>
          {p.clusterApi ? (
            <div className="filters">
              <label>
                Type <strong>{name}</strong> to confirm{' '}
                <input
                  value={confirm}
                  onChange={(e) => setConfirm(e.target.value)}
                  data-testid="quarantine-confirm"
                />
              </label>
              <button
                type="button"
                disabled={confirm !== name || apply.isPending}
                onClick={() => apply.mutate({ workload: p.workload, confirm, action: 'apply' })}
                data-testid="quarantine-apply"
              >
                Apply to the cluster
              </button>
              <button
                type="button"
                disabled={confirm !== name || apply.isPending}
                onClick={() => apply.mutate({ workload: p.workload, confirm, action: 'lift' })}
              >
                Lift quarantine
              </button>
            </div>
          ) : (
            <p className="muted small">
              No Kubernetes API is configured. Save the YAML as quarantine.yaml and run:{' '}
              <code>{p.kubectl}</code>
            </p>
          )}
          {apply.data ? <p data-testid="quarantine-applied">{apply.data.message}</p> : null}
          {apply.error ? <p className="danger-text">{apply.error.message}</p> : null}
        </div>
      ) : null}
    </Panel>
  );
}
