import type { PoliciesResponse } from '@api/dashboard-schema.js';
import { useCallback } from 'react';

import { usePolicies } from '../../api/policies';
import { Panel } from '../../components/panel';
import { Empty, QueryState } from '../../components/states';
import { useParam, useScope } from '../../state/url-state';
import { ConnectionTestForm } from './connection-test';
import { PolicyDrawer } from './policy-drawer';

type Ns = PoliciesResponse['namespaces'][number];

function NamespaceCard({
  ns,
  onOpen,
}: {
  ns: Ns;
  onOpen: (name: string) => void;
}): React.JSX.Element {
  const uncovered = new Set([...ns.unisolatedIngress, ...ns.unisolatedEgress]);
  return (
    <section className="ns-card" aria-label={`Namespace ${ns.namespace}`}>
      <header>
        <h3>{ns.namespace}</h3>
        <span className={`badge ${ns.unisolatedIngress.length ? 'warn' : 'ok'}`}>
          {ns.workloads - ns.unisolatedIngress.length}/{ns.workloads} isolated for ingress
        </span>
        <span className={`badge ${ns.unisolatedEgress.length ? 'warn' : 'ok'}`}>
          {ns.workloads - ns.unisolatedEgress.length}/{ns.workloads} for egress
        </span>
      </header>
      {ns.policies.length === 0 ? (
        <p className="muted">
          No NetworkPolicy in this namespace: every workload accepts and sends anything.
        </p>
      ) : (
        <ul className="policy-list">
          {ns.policies.map((p) => (
            <li key={p.name}>
              <button type="button" className="link" onClick={() => onOpen(p.name)}>
                {p.name}
              </button>
              <span className="muted">
                {' '}
                · {p.policyTypes.join(' + ')} · selects {p.podSelector} ·{' '}
                {p.selectedWorkloads.length} workloads · {p.ingressRules} ingress / {p.egressRules}{' '}
                egress rules
              </span>
            </li>
          ))}
        </ul>
      )}
      {uncovered.size ? (
        <p className="uncovered">
          Not isolated:{' '}
          {[...uncovered].sort().map((w) => (
            <span key={w} className="tag">
              {w}
              {ns.unisolatedIngress.includes(w)
                ? ns.unisolatedEgress.includes(w)
                  ? ' (in+out)'
                  : ' (in)'
                : ' (out)'}
            </span>
          ))}
        </p>
      ) : null}
    </section>
  );
}

export function Page(): React.JSX.Element {
  const scope = useScope();
  const q = usePolicies(scope.namespace);
  const [open, setOpen] = useParam('policy');
  const close = useCallback(() => setOpen(null), [setOpen]);
  const [openNs, openName] = open
    ? [open.slice(0, open.indexOf('/')), open.slice(open.indexOf('/') + 1)]
    : [null, null];
  return (
    <div className="page">
      <h1>Policies</h1>
      <QueryState query={q}>
        {(d) =>
          !d.modelLoaded ? (
            <Empty>
              No cluster model is loaded, so policies and coverage cannot be shown. Start the server
              with the cluster&apos;s manifests (Namespaces, Pods or workloads, NetworkPolicies) to
              enable this page.
            </Empty>
          ) : (
            <div className="policies-layout">
              <Panel
                title="Test a connection"
                subtitle="Evaluates both sides' NetworkPolicies exactly as Kubernetes does, and explains the verdict."
              >
                <ConnectionTestForm />
              </Panel>
              <Panel
                title="Policies and coverage per namespace"
                subtitle="Coverage: workloads that no policy isolates accept (or send) any traffic."
              >
                {d.namespaces.length === 0 ? (
                  <p className="muted">No namespaces in scope.</p>
                ) : (
                  d.namespaces.map((ns) => (
                    <NamespaceCard
                      key={ns.namespace}
                      ns={ns}
                      onOpen={(name) => setOpen(`${ns.namespace}/${name}`)}
                    />
                  ))
                )}
              </Panel>
            </div>
          )
        }
      </QueryState>
      {openNs && openName ? (
        <PolicyDrawer namespace={openNs} name={openName} onClose={close} />
      ) : null}
    </div>
  );
}
