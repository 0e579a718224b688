/** The parser for each ingest format, by name. */
import { createAccountantParser } from './accountant/accountant-parser.js';
import { createCalicoFlowLogParser } from './calico-flowlog/calico-flowlog-parser.js';
import { createGoldmaneParser } from './goldmane/goldmane-parser.js';
import { createHubbleParser } from './hubble/hubble-parser.js';
import { createNativeParser } from './native/native-parser.js';
import type { FlowParser, IngestFormat, ParserFactory, ParserOptions } from './parser.js';

export const PARSERS: Readonly<Record<IngestFormat, ParserFactory>> = {
  hubble: createHubbleParser,
  goldmane: createGoldmaneParser,
  'calico-flowlog': createCalicoFlowLogParser,
  accountant: createAccountantParser,
  native: createNativeParser,
};

/**
 * A fresh parser for one input stream (parsers may hold state, e.g. accountant baselines).
 * @example
 * const parser = createParser('hubble', { cluster: 'prod' });
 */
export function createParser(format: IngestFormat, options: ParserOptions): FlowParser {
  return PARSERS[format](options);
}
