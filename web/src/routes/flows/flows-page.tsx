import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';

import { exportUrl, PAGE_SIZE, useFlows } from '../../api/flows';
import { DataTable } from '../../components/data-table';
import { fmtTime } from '../../components/format';
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
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isFetchNextPageError } = flows;
  // Rows wanted: a page's worth at first, a page more each time the table's end is reached.
  const [wanted, setWanted] = useState(PAGE_SIZE);
  useEffect(() => setWanted(PAGE_SIZE), [query]);
  // `cancelRefetch: false`: a call while a page is on its way waits for it instead of asking
  // the server for the same page again (the table's end and the search below can both ask).
  const more = useCallback(() => {
    if (!hasNextPage) return;
    setWanted(rows.length + PAGE_SIZE);
    if (!isFetchingNextPage) void fetchNextPage({ cancelRefetch: false });
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, rows.length]);
  // The server answers a page after about a second of searching, with what it found and how far
  // back it searched (`searchedTo`); go on until the rows wanted are here or the window is
  // searched to its start, showing how far the search has come.
  const pages = flows.data?.pages;
  const searchedTo = (hasNextPage ? pages?.[pages.length - 1]?.searchedTo : null) ?? null;
  const searching = searchedTo !== null && rows.length < wanted && !isFetchNextPageError;
  useEffect(() => {
    if (searching && !isFetchingNextPage) void fetchNextPage({ cancelRefetch: false });
  }, [searching, isFetchingNextPage, fetchNextPage]);
  const searched =
    searchedTo === null
      ? null
      : Math.min(99, Math.floor((100 * (scope.to - searchedTo)) / (scope.to - scope.from)));
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
            {searching && searchedTo !== null ? (
              <span data-testid="search-progress" data-searched={searched}>
                , searching: back to {fmtTime(searchedTo)} ({searched}% of the window)
              </span>
            ) : isFetchNextPageError ? (
              <>
                , loading more failed{' '}
                <button type="button" className="link" onClick={() => void fetchNextPage()}>
                  retry
                </button>
              </>
            ) : hasNextPage ? (
              ', more load as you scroll'
            ) : (
              ''
            )}
            . Denied and audit events are all kept; allowed events are sampled.
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
          isEmpty={() => rows.length === 0 && !searching && !isFetchNextPageError}
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
