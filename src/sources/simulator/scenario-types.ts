/** Scenario vocabulary shared by the planner, the schedule and the labels file. */

export const SCENARIO_TYPES = [
  'misconfig-after-deploy',
  'port-scan',
  'ip-sweep',
  'external-probe',
  'exfiltration',
  'amplification',
  'beacon',
  'traffic-spike',
] as const;
export type ScenarioType = (typeof SCENARIO_TYPES)[number];

export function isScenarioType(text: string): text is ScenarioType {
  return (SCENARIO_TYPES as readonly string[]).includes(text);
}

/** How long each scenario runs when there is room for it. */
export const DEFAULT_DURATION_MS: Readonly<Record<ScenarioType, number>> = {
  'misconfig-after-deploy': 45 * 60_000,
  'port-scan': 15 * 60_000,
  'ip-sweep': 20 * 60_000,
  'external-probe': 30 * 60_000,
  exfiltration: 40 * 60_000,
  amplification: 20 * 60_000,
  beacon: 4 * 3_600_000,
  'traffic-spike': 30 * 60_000,
};

export interface ScenarioInstance {
  id: string;
  type: ScenarioType;
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
}

export type ExpectedVerdict = 'allowed' | 'denied' | 'mixed';

/** One line of ground truth in the labels file. */
export interface ScenarioLabel {
  id: string;
  type: ScenarioType;
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  subject: {
    cluster: string;
    namespace: string | null;
    workload: string | null;
    pod: string | null;
    /** The other side: `ns/workload`, an IP, or a description such as `64 pods in 9 namespaces`. */
    peer: string;
  };
  expectedVerdict: ExpectedVerdict;
  /** Distinct (from, to, protocol, port) probes and how the policy engine judged them. */
  probes: { total: number; allowed: number; denied: number };
  /** Where the evidence shows up: which wire format carries it in the demo. */
  evidence: string[];
  description: string;
}
