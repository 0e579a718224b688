/**
 * Reports: generate a daily review report, a monthly summary or the annual evaluation
 * (HTML, PDF, JSON, CSV), list the issued reports with their SHA-256, issuer and time, download
 * them, and verify an uploaded file against the record and the audit chain.
 */
import '../compliance/compliance.css';

import type { IssuedReportView } from '@api/report-schema.js';
import { useState } from 'react';

import { downloadUrl, useGenerateReport, useReports, useVerifyReport } from '../../api/reports';
import { type Column, DataTable } from '../../components/data-table';
import { Panel } from '../../components/panel';
import { ErrorState, QueryState } from '../../components/states';

type Kind = 'daily' | 'monthly' | 'annual';
type Format = 'html' | 'pdf' | 'json' | 'csv';

function defaultPeriod(kind: Kind): string {
  const d = new Date(Date.now() - 86_400_000).toISOString();
  return kind === 'daily'
    ? d.slice(0, 10)
    : kind === 'monthly'
      ? d.slice(0, 7)
      : String(Number(d.slice(0, 4)) - 1);
}

const PLACEHOLDER: Record<Kind, string> = {
  daily: 'YYYY-MM-DD',
  monthly: 'YYYY-MM',
  annual: 'YYYY',
};

const COLUMNS: readonly Column<IssuedReportView>[] = [
  {
    id: 'issuedAt',
    header: 'Issued (UTC)',
    width: '170px',
    cell: (r) => new Date(r.issuedAt).toISOString().replace('T', ' ').slice(0, 16),
    sortValue: (r) => r.issuedAt,
  },
  { id: 'kind', header: 'Kind', width: '80px', cell: (r) => r.kind },
  { id: 'period', header: 'Period', width: '100px', cell: (r) => r.period },
  { id: 'format', header: 'Format', width: '70px', cell: (r) => r.format },
  {
    id: 'scope',
    header: 'Scope',
    width: '1fr',
    cell: (r) =>
      `${r.scope.cluster ?? 'all clusters'} · ${r.scope.namespaces ? r.scope.namespaces.join(', ') : 'all namespaces'}`,
  },
  {
    id: 'issuedBy',
    header: 'Issued by',
    width: '140px',
    cell: (r) => r.issuedBy,
    title: (r) => r.issuedBy,
  },
  {
    id: 'sha256',
    header: 'SHA-256',
    width: '2fr',
    cell: (r) => <span className="hash">{r.sha256}</span>,
    title: (r) => r.sha256,
  },
  {
    id: 'download',
    header: '',
    width: '100px',
    cell: (r) => (
      <a href={downloadUrl(r.id)} download={r.fileName}>
        Download
      </a>
    ),
  },
];

function GenerateForm(): React.JSX.Element {
  const gen = useGenerateReport();
  const [kind, setKind] = useState<Kind>('annual');
  const [period, setPeriod] = useState(defaultPeriod('annual'));
  const [format, setFormat] = useState<Format>('html');
  const [cluster, setCluster] = useState('');
  const [signedBy, setSignedBy] = useState('');
  const [conclusions, setConclusions] = useState('');
  return (
    <>
      <form
        className="report-form"
        aria-label="Generate a report"
        onSubmit={(e) => {
          e.preventDefault();
          gen.mutate({
            kind,
            period: period.trim(),
            format,
            ...(cluster.trim() ? { cluster: cluster.trim() } : {}),
            ...(signedBy.trim() ? { signedBy: signedBy.trim() } : {}),
            ...(conclusions.trim() ? { conclusions } : {}),
          });
        }}
      >
        <label>
          Kind
          <select
            name="kind"
            value={kind}
            onChange={(e) => {
              const k = e.target.value as Kind;
              setKind(k);
              setPeriod(defaultPeriod(k));
            }}
          >
            <option value="daily">Daily review report</option>
            <option value="monthly">Monthly summary</option>
            <option value="annual">Annual evaluation</option>
          </select>
        </label>
        <label>
          Period
          <input
            name="period"
            value={period}
            placeholder={PLACEHOLDER[kind]}
            onChange={(e) => setPeriod(e.target.value)}
          />
        </label>
        <label>
          Cluster
          <input
            name="cluster"
            value={cluster}
            placeholder="all"
            onChange={(e) => setCluster(e.target.value)}
          />
        </label>
        <label>
          Format
          <select
            name="format"
            value={format}
            onChange={(e) => setFormat(e.target.value as Format)}
          >
            <option value="html">HTML (printable)</option>
            <option value="pdf">PDF</option>
            <option value="json">JSON (data model)</option>
            <option value="csv">CSV (one file per table)</option>
          </select>
        </label>
        <label>
          Signed by
          <input name="signedBy" value={signedBy} onChange={(e) => setSignedBy(e.target.value)} />
        </label>
        <label>
          Conclusions and actions (left blank to fill in on paper)
          <textarea
            name="conclusions"
            value={conclusions}
            onChange={(e) => setConclusions(e.target.value)}
          />
        </label>
        <button type="submit" disabled={gen.isPending}>
          {gen.isPending ? 'Generating…' : 'Generate'}
        </button>
      </form>
      {gen.error ? <ErrorState error={gen.error} /> : null}
      {gen.data ? (
        <ul data-testid="generated">
          {gen.data.reports.map((r) => (
            <li key={r.id}>
              <a href={downloadUrl(r.id)} download={r.fileName}>
                {r.fileName}
              </a>{' '}
              <span className="hash">sha256 {r.sha256}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

function VerifyForm(): React.JSX.Element {
  const verify = useVerifyReport();
  const v = verify.data;
  const r = v?.reports[0];
  return (
    <>
      <form
        className="report-form"
        aria-label="Verify a report"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          Report file
          <input
            type="file"
            name="file"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) verify.mutate(f);
            }}
          />
        </label>
      </form>
      {verify.isPending ? <p className="muted">Verifying…</p> : null}
      {verify.error ? <ErrorState error={verify.error} /> : null}
      {v ? (
        <p
          data-testid="verify-verdict"
          className={v.verified ? 'chain-ok' : 'evidence-gap'}
          role="status"
        >
          {v.verified && r
            ? `Verified: ${r.kind} report for ${r.period} (${r.format}), issued by ${r.issuedBy} at ${new Date(r.issuedAt).toISOString()}; audit chain intact (${v.auditChain.entries} entries).`
            : `Not verified: ${v.reason ?? 'unknown'}`}{' '}
          <span className="hash">sha256 {v.sha256}</span>
        </p>
      ) : null}
    </>
  );
}

export function Page(): React.JSX.Element {
  const list = useReports();
  return (
    <>
      <Panel
        title="Generate a report"
        subtitle="Each issued file's SHA-256 is recorded in the audit log. Developers' reports cover their namespaces only."
        testId="report-generate"
      >
        <GenerateForm />
      </Panel>
      <Panel title="Issued reports" busy={list.isFetching} testId="report-list">
        <QueryState
          query={list}
          isEmpty={(d) => d.reports.length === 0}
          empty="No reports issued yet."
        >
          {(d) => (
            <DataTable
              columns={COLUMNS}
              rows={d.reports}
              rowKey={(r) => r.id}
              label="Issued reports"
              height={320}
              initialSort={{ id: 'issuedAt', desc: true }}
            />
          )}
        </QueryState>
      </Panel>
      <Panel
        title="Verify a report"
        subtitle="Upload a report file: its hash is checked against the issue record and the audit chain."
        testId="report-verify"
      >
        <VerifyForm />
      </Panel>
    </>
  );
}
