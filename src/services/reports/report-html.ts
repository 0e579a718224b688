/**
 * The printable HTML report: one self-contained file (inline CSS, no scripts, no external
 * fetches), every dynamic string escaped. PDF is rendered from it.
 */
import type { EvidenceTable } from '../../api/compliance-schema.js';
import type { ReportData, ReportSection } from '../../api/report-schema.js';
import { esc } from './html-escape.js';

const CSS = `
@page { size: A4; margin: 18mm 15mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0; }
h1 { font-size: 20pt; margin: 0 0 8pt; }
h2 { font-size: 13pt; margin: 18pt 0 6pt; border-bottom: 1px solid #999; padding-bottom: 2pt; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 10pt 0 4pt; break-after: avoid; }
.cover { break-after: page; padding-top: 40mm; }
.cover dl { display: grid; grid-template-columns: 45mm auto; gap: 3pt 8pt; }
.cover dt { font-weight: bold; }
.scope-note { box-sizing: border-box; border: 1px solid #b45309; background: #fef3c7; padding: 6pt; margin-top: 12pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; font-size: 8.5pt; }
th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eee; }
tr { break-inside: avoid; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.gap { color: #9a3412; }
.status-met { color: #166534; font-weight: bold; }
.status-partial { color: #92400e; font-weight: bold; }
.status-gap { color: #991b1b; font-weight: bold; }
.empty { color: #666; font-style: italic; }
.fill { border-bottom: 1px solid #555; height: 9mm; }
.signature { margin-top: 16mm; display: grid; grid-template-columns: 1fr 1fr; gap: 12mm; }
.signature div { border-top: 1px solid #555; padding-top: 2pt; }
#conclusions { break-before: page; }
pre.conclusions { white-space: pre-wrap; font-family: inherit; border: 1px solid #bbb; padding: 6pt; }
footer { margin-top: 18pt; font-size: 8pt; color: #555; }
`;

const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
const time = (t: number): string =>
  new Date(t).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

function cell(v: string | number | null): string {
  if (v === null) return '<td class="empty">not reported</td>';
  if (typeof v === 'number') return `<td class="num">${esc(v.toLocaleString('en-GB'))}</td>`;
  const status = /^(met|partial|gap)$/.exec(v);
  return status ? `<td class="status-${status[1]}">${esc(v)}</td>` : `<td>${esc(v)}</td>`;
}

export function renderTable(t: EvidenceTable): string {
  const head = `<tr>${t.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const body = t.rows.length
    ? t.rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n')
    : `<tr><td class="empty" colspan="${t.columns.length}">none in this period</td></tr>`;
  return `<h3>${esc(t.title)}</h3>\n<table><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

function renderSection(s: ReportSection, n: number): string {
  return [
    `<section id="${esc(s.id)}">`,
    `<h2>${n}. ${esc(s.title)}</h2>`,
    ...s.text.map((p) => `<p>${esc(p)}</p>`),
    ...s.tables.map(renderTable),
    ...(s.gaps.length
      ? [
          `<p class="gap"><strong>Evidence gaps:</strong></p><ul class="gap">${s.gaps.map((g) => `<li>${esc(g)}</li>`).join('')}</ul>`,
        ]
      : []),
    '</section>',
  ].join('\n');
}

function renderConclusions(r: ReportData, n: number): string {
  const body =
    r.conclusions !== null && r.conclusions.trim() !== ''
      ? `<pre class="conclusions">${esc(r.conclusions)}</pre>`
      : [
          '<p class="empty">To be completed by the reviewer: the evaluation of the evidence above, and the actions decided (owner, due date).</p>',
          '<h3>Conclusions</h3>',
          ...Array.from({ length: 6 }, () => '<div class="fill"></div>'),
          '<h3>Actions (what, owner, due date)</h3>',
          ...Array.from({ length: 6 }, () => '<div class="fill"></div>'),
        ].join('\n');
  return [
    '<section id="conclusions">',
    `<h2>${n}. Conclusions and actions</h2>`,
    body,
    '<div class="signature">',
    `<div>Reviewer${r.signedBy ? `: ${esc(r.signedBy)}` : ''}</div>`,
    '<div>Date and signature</div>',
    '</div>',
    '</section>',
  ].join('\n');
}

/** @example writeFileSync('annual.html', renderReportHtml(await buildReport(ctx, req))) */
export function renderReportHtml(r: ReportData, organisation: string | null = null): string {
  const ns = r.scope.namespaces;
  const cover = [
    '<section class="cover">',
    organisation ? `<p>${esc(organisation)}</p>` : '',
    `<h1>${esc(r.title)}</h1>`,
    '<dl>',
    `<dt>Period</dt><dd>${esc(r.period.label)} (${esc(day(r.period.from))} to ${esc(day(r.period.to - 1))}, UTC)</dd>`,
    `<dt>Cluster</dt><dd>${esc(r.scope.cluster ?? 'all clusters')}</dd>`,
    `<dt>Namespaces</dt><dd>${esc(ns ? (ns.length ? ns.join(', ') : 'none') : 'all namespaces')}</dd>`,
    `<dt>Generated</dt><dd>${esc(time(r.generatedAt))} by ${esc(r.generatedBy)}</dd>`,
    `<dt>Signed by</dt><dd>${esc(r.signedBy ?? 'not signed')}</dd>`,
    '</dl>',
    r.scope.restrictedToCaller
      ? `<p class="scope-note">This report is limited to the namespaces its issuer may see (${esc(ns?.join(', ') ?? '')}). It does not cover the rest of the cluster.</p>`
      : '',
    '<p>The SHA-256 of this file is recorded in the audit log when it is issued; <code>netsec report verify &lt;file&gt;</code> checks it.</p>',
    '</section>',
  ];
  const body = r.sections.map((s, i) => renderSection(s, i + 1));
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${esc(r.title)} ${esc(r.period.label)}</title>`,
    `<style>${CSS}</style></head><body>`,
    ...cover,
    ...body,
    renderConclusions(r, r.sections.length + 1),
    `<footer>netsec report ${esc(r.kind)} ${esc(r.period.label)}, format ${esc(r.schema)}</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
