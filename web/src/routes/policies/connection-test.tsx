import { useState } from 'react';
import { useSearchParams } from 'react-router';

import { useConnectionTest } from '../../api/policies';
import { usePatchParams } from '../../state/url-state';

/** "Test a connection": the probe lives in the URL so that a result can be shared. */
export function ConnectionTestForm(): React.JSX.Element {
  const [sp] = useSearchParams();
  const patch = usePatchParams();
  const [from, setFrom] = useState(sp.get('tfrom') ?? '');
  const [to, setTo] = useState(sp.get('tto') ?? '');
  const [protocol, setProtocol] = useState<'TCP' | 'UDP' | 'SCTP'>(
    (sp.get('tproto') as 'TCP' | null) ?? 'TCP',
  );
  const [port, setPort] = useState(sp.get('tport') ?? '');
  const m = useConnectionTest();
  return (
    <>
      <form
        className="conn-test"
        onSubmit={(e) => {
          e.preventDefault();
          patch({ tfrom: from, tto: to, tproto: protocol, tport: port });
          m.mutate({ from, to, protocol, port: Number(port) });
        }}
      >
        <label>
          From{' '}
          <input
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            placeholder="namespace/pod or IP"
            required
          />
        </label>
        <label>
          To{' '}
          <input
            value={to}
            onChange={(e) => setTo(e.target.value)}
            placeholder="namespace/pod or IP"
            required
          />
        </label>
        <label>
          Protocol
          <select value={protocol} onChange={(e) => setProtocol(e.target.value as 'TCP')}>
            <option>TCP</option>
            <option>UDP</option>
            <option>SCTP</option>
          </select>
        </label>
        <label>
          Port{' '}
          <input
            value={port}
            onChange={(e) => setPort(e.target.value)}
            inputMode="numeric"
            required
            pattern="[0-9]{1,5}"
          />
        </label>
        <button type="submit" className="primary" disabled={m.isPending}>
          Test
        </button>
      </form>
      {m.error ? (
        <p className="state-error" role="alert">
          {m.error.message}
        </p>
      ) : null}
      {m.data ? (
        <div
          className={`explain ${m.data.explanation.allowed ? 'ok' : 'deny'}`}
          data-testid="test-result"
        >
          <p>
            <strong>{m.data.explanation.allowed ? 'Allowed' : 'Denied'}:</strong>{' '}
            {m.data.explanation.summary}
          </p>
          <ol>
            {m.data.explanation.steps.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
        </div>
      ) : null}
    </>
  );
}
