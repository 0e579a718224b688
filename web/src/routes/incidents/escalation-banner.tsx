import type { EscalationDto } from '@api/incident-schema.js';

import { ACTION_LABEL, fmtAge } from './incident-format';

/** The incident policy's advice and the clock since detection: shown first, because delay favours the attacker. */
export function EscalationBanner({ e }: { e: EscalationDto }): React.JSX.Element {
  const urgent = !e.responded && (e.action === 'take-offline' || e.overdue);
  return (
    <div
      className={`banner${urgent ? ' error' : ''}`}
      role={urgent ? 'alert' : 'status'}
      data-testid="escalation-banner"
    >
      <strong>
        {e.responded ? `Responded after ${fmtAge(e.elapsedMs)}` : ACTION_LABEL[e.action]}
      </strong>
      {e.responded ? null : (
        <>
          {' '}
          — {fmtAge(e.elapsedMs)} since detection, target {fmtAge(e.targetMs)}
          {e.overdue ? ' (overdue)' : ''}. {e.ongoing ? 'The activity is still going on. ' : ''}
          Delay favours the attacker.
        </>
      )}
      <div className="small">
        {e.text} <span className="muted">(policy rule: {e.rule})</span>
      </div>
    </div>
  );
}
