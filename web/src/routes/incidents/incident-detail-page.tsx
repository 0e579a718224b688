import './incidents.css';

import type { IncidentDetailResponse } from '@api/incident-schema.js';
import { useParams } from 'react-router';

import { useIncident } from '../../api/incidents';
import { fmtTime } from '../../components/format';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { EscalationBanner } from './escalation-banner';
import { Evidence } from './incident-evidence';
import { IncidentHeader } from './incident-header';
import { NotifyPanel } from './notify-panel';
import { QuarantinePanel } from './quarantine-panel';
import { Timeline } from './timeline';

export function Page(): React.JSX.Element {
  const id = useParams()['id'] ?? '';
  const q = useIncident(id);
  return (
    <div className="page" data-testid="incident-detail">
      <QueryState query={q}>{(d) => <Detail d={d} />}</QueryState>
    </div>
  );
}

function Detail({ d }: { d: IncidentDetailResponse }): React.JSX.Element {
  const i = d.incident;
  return (
    <>
      <IncidentHeader d={d} />
      <EscalationBanner e={d.escalation} />
      <p className="muted small">
        Opened {fmtTime(i.createdAt)} by {i.createdBy}. Detected {fmtTime(i.detectedAt)}.
        {i.containedAt ? ` Contained ${fmtTime(i.containedAt)}.` : ''}
        {i.resolvedAt ? ` Resolved ${fmtTime(i.resolvedAt)}.` : ''}
        {i.closedAt ? ` Closed ${fmtTime(i.closedAt)}.` : ''}
        {i.outcome ? ` Outcome: ${i.outcome}.` : ''}
      </p>
      {i.resolution ? <p data-testid="resolution">{i.resolution}</p> : null}
      <div className="grid2">
        <Panel title="Evidence" subtitle="Linked findings and flows" testId="incident-evidence">
          <Evidence d={d} />
        </Panel>
        <Panel title="Timeline" testId="incident-timeline">
          <Timeline d={d} />
        </Panel>
      </div>
      <NotifyPanel id={i.id} />
      <QuarantinePanel id={i.id} workload={d.workload} />
    </>
  );
}
