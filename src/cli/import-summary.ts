/** The end-of-import summary, as a human reads it. */
import type { IngestCounts, IngestError } from '../services/ingest.js';
import { escapeTerminal } from './terminal-escape.js';

export interface ImportSummary extends IngestCounts {
  format: string;
  cluster: string;
  files: string[];
  errors: IngestError[];
  seconds: number;
  flowsPerSec: number;
  linesPerSec: number;
}

const SHOWN_ERRORS = 5;

export function renderImportSummary(s: ImportSummary): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const lines = [
    `Records read:     ${n(s.read)}`,
    `Flows parsed:     ${n(s.flows)}`,
    `Flows stored:     ${n(s.stored)}${s.duplicateBatches ? ` (${n(s.duplicateBatches)} of ${n(s.batches)} batches already imported)` : ''}`,
    `Skipped:          ${n(s.skipped)} (valid records that are not counted as flows)`,
    `Rejected:         ${n(s.rejected)}`,
  ];
  if (s.lostEvents) lines.push(`Lost events:      ${n(s.lostEvents)} (the producer reported gaps)`);
  lines.push(`Time taken:       ${s.seconds.toFixed(2)} s (${n(s.flowsPerSec)} flows/s)`);
  for (const e of s.errors.slice(0, SHOWN_ERRORS)) {
    const where = `${e.input ? `${e.input}:` : 'line '}${e.line}`;
    lines.push(
      `  ${escapeTerminal(where)}: ${e.field ? `${escapeTerminal(e.field)}: ` : ''}${escapeTerminal(e.message)}`,
    );
  }
  if (s.rejected > SHOWN_ERRORS) lines.push(`  … and ${n(s.rejected - SHOWN_ERRORS)} more`);
  return `${lines.join('\n')}\n`;
}
