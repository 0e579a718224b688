/** Shared labels of the incident pages. */
import type { EscalationDto, IncidentDto } from '@api/incident-schema.js';

export function fmtAge(ms: number): string {
  const m = Math.floor(ms / 60_000);
  if (m < 1) return 'under a minute';
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export const SEVERITY_CLASS: Record<IncidentDto['severity'], string> = {
  low: 'badge',
  medium: 'badge warn',
  high: 'badge danger',
  critical: 'badge danger',
};

export const ACTION_LABEL: Record<EscalationDto['action'], string> = {
  'take-offline': 'Take the workload offline now',
  quarantine: 'Quarantine the workload',
  notify: 'Notify the developers',
  investigate: 'Investigate',
};
