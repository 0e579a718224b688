import { usePolicyDetail } from '../../api/policies';
import { Drawer } from '../../components/drawer';
import { QueryState } from '../../components/states';

export function PolicyDrawer({
  namespace,
  name,
  onClose,
}: {
  namespace: string;
  name: string;
  onClose: () => void;
}): React.JSX.Element {
  const q = usePolicyDetail(namespace, name);
  return (
    <Drawer title={`Policy ${namespace}/${name}`} onClose={onClose}>
      <QueryState query={q}>
        {(d) => (
          <>
            <p className="muted">
              {d.policy.policyTypes.join(' + ')} · selects {d.policy.podSelector}
            </p>
            <h3>Selected workloads</h3>
            <p>{d.policy.selectedWorkloads.join(', ') || 'none'}</p>
            <h3>Connections it allows</h3>
            {d.allows.length === 0 ? (
              <p className="muted">
                None: it only isolates the selected workloads (deny all for its policy types).
              </p>
            ) : (
              <table className="simple">
                <thead>
                  <tr>
                    <th scope="col">Direction</th>
                    <th scope="col">Peers</th>
                    <th scope="col">Ports</th>
                  </tr>
                </thead>
                <tbody>
                  {d.allows.map((a, i) => (
                    <tr key={i}>
                      <td className="nowrap">{a.direction}</td>
                      <td>{a.peers}</td>
                      <td className="nowrap">{a.ports}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h3>Manifest</h3>
            <pre className="yaml">{d.yaml}</pre>
          </>
        )}
      </QueryState>
    </Drawer>
  );
}
