/** One stored flow as a native NDJSON line, so that `netsec flows --output ndjson` re-imports. */
import { toNativeLine } from '../api/flow-schema.js';
import type { Flow } from '../domain/flow.js';
import { escapeJsonForTerminal } from './terminal-escape.js';

/** The line ends in `\n`; control and bidi characters inside strings are `\u` escapes. */
export function storedFlowLine(stored: Flow & { id?: string; sampleWeight?: number }): string {
  const { id: _id, sampleWeight: _w, ...flow } = stored;
  return `${escapeJsonForTerminal(toNativeLine(flow))}\n`;
}
