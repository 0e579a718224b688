/** Shared plumbing of the store contract suite. */
import type { Flow } from '../../domain/flow.js';
import type { FlowFilter, FlowStore, IngestBatch, StoredFlow } from '../flow-store.js';

export interface StoreHandle {
  store: FlowStore;
  /** Opens a new store on the same data (the test has closed the previous one). */
  reopen: () => Promise<FlowStore>;
  /** Closes the open store and deletes its data. */
  cleanup: () => Promise<void>;
}

export type StoreFactory = () => Promise<StoreHandle>;

export interface ContractContext {
  /** The store under test (the reopened one after `reopen`). */
  store: () => FlowStore;
  reopen: () => Promise<FlowStore>;
}

export function batchOf(id: string, flows: Flow[], over: Partial<IngestBatch> = {}): IngestBatch {
  return {
    id,
    flows,
    source: flows[0]?.source ?? 'hubble',
    receivedAt: flows[0]?.time ?? 0,
    ...over,
  };
}

/** Every raw event matching `filter`, following cursors. */
export async function allFlows(store: FlowStore, filter: FlowFilter = {}): Promise<StoredFlow[]> {
  const out: StoredFlow[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.queryFlows(filter, { limit: 1000, cursor });
    out.push(...page.flows);
    cursor = page.next;
  } while (cursor);
  return out;
}

/** Drops store-only fields so a stored flow compares equal to the flow that was written. */
export function asFlow(f: StoredFlow): Flow {
  const { id: _id, sampleWeight: _w, ...flow } = f;
  return flow;
}
