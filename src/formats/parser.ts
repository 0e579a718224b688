/**
 * The seam between wire formats and the ingest pipeline. Every format implements
 * `FlowParser`: it is fed one line at a time (so any file size streams in constant memory)
 * and returns domain `Flow`s plus per-record errors that carry the line number.
 */
import type { Flow, SourceFormat } from '../domain/flow.js';
import type { NamedCidr } from '../domain/ip.js';

export const INGEST_FORMATS = [
  'hubble',
  'goldmane',
  'calico-flowlog',
  'accountant',
  'native',
] as const;
export type IngestFormat = (typeof INGEST_FORMATS)[number];

export interface RecordError {
  /** 1-based line number in the input. */
  line: number;
  /** Field path that was wrong, e.g. `flow.l4.TCP.destination_port`, when known. */
  field?: string;
  message: string;
}

export interface LineOutcome {
  flows: Flow[];
  error?: RecordError;
  /** Records that are valid but are not flows we count (node_status, trace duplicates, replies, comments). */
  skipped?: number;
  /** Events the producer says it lost (Hubble `lost_events`): the evidence is incomplete. */
  lostEvents?: number;
}

export interface ParserOptions {
  /** Cluster name used when the record names none. */
  cluster: string;
  /** Named CIDRs that group external IPs before `private` / `world`. */
  namedCidrs?: readonly NamedCidr[];
  /**
   * Clock for records that carry no time of their own (a live `/metrics` scrape of
   * calico-accountant). Without it, such samples are rejected; files must carry timestamps
   * or `# scrape <time>` markers.
   */
  now?: () => number;
}

export interface FlowParser {
  readonly format: SourceFormat;
  /** Parses one line (without its newline). Never throws: bad input becomes `error`. */
  parseLine(line: string, lineNo: number): LineOutcome;
  /** Called once at end of input; stateful formats (accountant) flush what they hold. */
  finish(): LineOutcome;
}

export type ParserFactory = (options: ParserOptions) => FlowParser;
