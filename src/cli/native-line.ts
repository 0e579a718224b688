/** One stored flow as a native NDJSON line, so that `netsec flows --output ndjson` re-imports. */
import type { Flow } from '../domain/flow.js';

export function toNativeLine(stored: Flow & { id?: string; sampleWeight?: number }): string {
  const { id: _id, sampleWeight: _w, ...flow } = stored;
  return `${JSON.stringify({ v: 1, ...flow })}\n`;
}
