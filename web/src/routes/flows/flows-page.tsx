import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

import { exportUrl, useFlows } from '../../api/flows';
import { DataTable } from '../../components/data-table';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { useParam, useScope } from '../../state/url-state';
import { FilterBuilder } from './filter-builder';
import { FLOW_COLUMNS } from './flow-columns';
import { FlowDrawer } from './flow-drawer';
import { flowQueryFrom } from './flow-query';

export function Page(): React.JSX.Element {
  const scope = useScope();
  const [sp] = useSearchParams();
  const query = useMemo(() => flowQueryFrom(sp, scope), [sp, scope]);
  const flows = useFlows(query);
  const [selected, setSelected] = useParam('flow');
  const rows = useMemo(() => flows.data?.pages.flatMap((p) => p.flows) ?? [], [flows.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = flows;
  const more = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const flow = selected ? rows.find((f) => f.id === selected) : undefined;
  return (
    <div className="page">
      <h1>Flow explorer</h1>
      <Panel
        title="Filters"
        subtitle="Time, cluster and namespace come from the top bar. The URL holds the whole query."
      >
        <FilterBuilder key={sp.toString()} />
      </Panel>
      <Panel
        title="Raw events"
        subtitle={
          <>
            <span data-testid="row-count" data-rows={rows.length}>
              {rows.length.toLocaleString('en-US')}
            </span>{' '}
            rows loaded
            {hasNextPage ? ', more load as you scroll' : ''}. Denied and audit events are all kept;
            allowed events are sampled.
          </>
        }
        actions={
          <>
            <a className="button" href={exportUrl(query, 'csv')} download data-testid="export-csv">
              Export CSV
            </a>
            <a
              className="button"
              href={exportUrl(query, 'ndjson')}
              download
              data-testid="export-ndjson"
            >
              Export NDJSON
            </a>
          </>
        }
        testId="flow-table"
        busy={flows.isFetching && !flows.isFetchingNextPage}
      >
        <QueryState
          query={flows}
          isEmpty={() => rows.length === 0}
          empty="No flows match these filters in this window."
        >
          {() => (
            <DataTable
              columns={FLOW_COLUMNS}
              rows={rows}
              rowKey={(f) => f.id}
              label="Flows"
              selectedKey={selected}
              onOpen={(f) => setSelected(f.id)}
              height={560}
              onEndReached={more}
            />
          )}
        </QueryState>
      </Panel>
      {flow ? <FlowDrawer flow={flow} onClose={() => setSelected(null)} /> : null}
    </div>
  );
}
