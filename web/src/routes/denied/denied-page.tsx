import type { DeniedGroupKey } from '@api/dashboard-schema.js';
import { useCallback } from 'react';

import { groupParam, useDeniedGroups } from '../../api/denied';
import { DataTable } from '../../components/data-table';
import { Panel } from '../../components/panel';
import { SeriesPanel } from '../../components/series-panel';
import { QueryState } from '../../components/states';
import { useParam, useScope } from '../../state/url-state';
import { DENIED_COLUMNS } from './denied-columns';
import { DeniedDrawer } from './denied-drawer';

export function Page(): React.JSX.Element {
  const scope = useScope();
  const groups = useDeniedGroups(scope);
  const [group, setGroup] = useParam('group');
  // Alert links name one workload: show only the groups it takes part in, on either side.
  const [workload, setWorkload] = useParam('workload');
  const close = useCallback(() => setGroup(null), [setGroup]);
  const involves = (g: DeniedGroupKey): boolean =>
    !workload || g.src.workload === workload || g.dst.workload === workload;
  return (
    <div className="page">
      <h1>Denied traffic</h1>
      {workload ? (
        <p className="filter-chip" data-testid="workload-filter">
          Only connections of workload <strong>{workload}</strong>{' '}
          <button type="button" className="link" onClick={() => setWorkload(null)}>
            Show all
          </button>
        </p>
      ) : null}
      <div className="grid2">
        <SeriesPanel
          title="Dropped going from the workload (egress)"
          scope={scope}
          params={{ verdict: 'denied', groupBy: 'workload', direction: 'egress', rate: true }}
          danger
          testId="denied-egress"
        />
        <SeriesPanel
          title="Dropped going to the workload (ingress)"
          scope={scope}
          params={{ verdict: 'denied', groupBy: 'workload', direction: 'ingress', rate: true }}
          danger
          testId="denied-ingress"
        />
      </div>
      <Panel
        title="Denied connections"
        subtitle="Grouped by source → destination:port/protocol and by reason or policy. Select a row for the raw events, the explanation and the fix."
        testId="denied-groups"
      >
        <QueryState
          query={groups}
          isEmpty={(d) => d.groups.filter(involves).length === 0}
          empty="No denied traffic in this window."
        >
          {(d) => (
            <>
              <DataTable
                columns={DENIED_COLUMNS}
                rows={d.groups.filter(involves)}
                rowKey={groupParam}
                label="Denied connections"
                selectedKey={group}
                onOpen={(g) => setGroup(groupParam(g))}
                rowHeight={36}
                height={520}
              />
              {d.truncated ? (
                <p className="muted small">Showing the {d.groups.length} most recent groups.</p>
              ) : null}
            </>
          )}
        </QueryState>
      </Panel>
      {group ? <DeniedDrawer scope={scope} group={group} onClose={close} /> : null}
    </div>
  );
}
