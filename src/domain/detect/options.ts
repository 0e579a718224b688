/**
 * Detector thresholds: one typed options object with defaults, validated at the edge
 * (config file, CLI). docs/detection.md explains each key and how to tune it.
 */

export interface DeniedDetectOptions {
  /** Quiet time after which a source's denied activity counts as stopped (closes the finding). */
  episodeGapMs: number;
  /** One source, one destination host: this many distinct ports or more is a port scan. */
  portScanMinPorts: number;
  /** One source: this many distinct destination workloads/hosts on few ports is an IP sweep. */
  ipSweepMinHosts: number;
  /** An IP sweep uses at most this many distinct ports. */
  ipSweepMaxPorts: number;
  /** External source: this many distinct ports (or any sensitive port) makes a probe. */
  externalProbeMinPorts: number;
  /** A violation needs at least this many attempts before it is a finding (scans excepted). */
  minAttempts: number;
  /** ... and must last at least this long, unless several replicas make the same attempt. */
  minPersistenceMs: number;
  /** Inter-arrival coefficient of variation below which blocked egress looks periodic (beacon). */
  beaconMaxCv: number;
  /** Attempts needed before periodicity is judged. */
  beaconMinAttempts: number;
  /** A new pod or version seen within this time before the start counts as coinciding. */
  changeWindowMs: number;
  /** Destination ports that raise severity (SSH, etcd, databases, Kubernetes API, kubelet, …). */
  sensitivePorts: number[];
}

export interface AllowedDetectOptions {
  /** Evaluation step; the 1-minute tier is summed into steps of this width. */
  stepMs: number;
  /** History needed before a series can be flagged. */
  minHistoryMs: number;
  /** How far back the usual level looks. */
  baselineMs: number;
  /** Same-hour-of-week samples needed; with fewer, the same hour of day is used. */
  minWeeklySamples: number;
  /** Same-hour-of-day samples needed when falling back to the hour of day. */
  minDailySamples: number;
  /** Observed / usual must reach this ratio. */
  spikeRatio: number;
  /** (observed - usual) / robust spread must reach this. */
  spikeMinZ: number;
  /** Observed / short-term EWMA must reach this ratio as well. */
  ewmaRatio: number;
  /** EWMA smoothing factor per step (0..1). */
  ewmaAlpha: number;
  /** Minimum observed bytes per step before a byte series is flagged. */
  minBytesPerStep: number;
  /** Minimum observed flows per step before a flow series is flagged. */
  minFlowsPerStep: number;
  /** UDP ports used for reflection/amplification. */
  amplificationPorts: number[];
  /** Bytes per flow an amplification must exceed (requests are tens of bytes). */
  amplificationMinBytesPerFlow: number;
  /** Reply/request byte ratio that counts as amplified, when directions are reported. */
  amplificationMinRatio: number;
  /** Minimum bytes per step for exfiltration (egress to external peers). */
  exfiltrationMinBytesPerStep: number;
  /** new-connection: the in-cluster side must have been seen for this long. */
  newConnectionMinAgeMs: number;
  /** new-connection: minimum flows in the step (one stray connection is not a finding). */
  newConnectionMinFlows: number;
}

export interface DetectOptions {
  denied: DeniedDetectOptions;
  allowed: AllowedDetectOptions;
  /** A finding whose activity resumes within this gap continues (same id) instead of a new one. */
  reopenGapMs: number;
  /** For attack types (scan, sweep, probe) the gap is shorter: a new attack is a new finding. */
  attackReopenGapMs: number;
}

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const DEFAULT_DETECT_OPTIONS: Readonly<DetectOptions> = {
  denied: {
    episodeGapMs: 30 * MIN,
    portScanMinPorts: 12,
    ipSweepMinHosts: 8,
    ipSweepMaxPorts: 3,
    externalProbeMinPorts: 3,
    minAttempts: 5,
    minPersistenceMs: 5 * MIN,
    beaconMaxCv: 0.35,
    beaconMinAttempts: 8,
    changeWindowMs: 30 * MIN,
    sensitivePorts: [22, 23, 445, 2379, 2380, 3306, 3389, 5432, 6379, 6443, 9200, 10250, 27017],
  },
  allowed: {
    stepMs: 15 * MIN,
    minHistoryMs: 3 * DAY,
    baselineMs: 28 * DAY,
    minWeeklySamples: 2,
    minDailySamples: 3,
    spikeRatio: 4,
    spikeMinZ: 6,
    ewmaRatio: 3,
    ewmaAlpha: 0.3,
    minBytesPerStep: 1_000_000,
    minFlowsPerStep: 100,
    amplificationPorts: [19, 53, 111, 123, 161, 389, 1900, 3702, 5353, 11211],
    amplificationMinBytesPerFlow: 1_000,
    amplificationMinRatio: 10,
    exfiltrationMinBytesPerStep: 1_000_000,
    newConnectionMinAgeMs: 3 * DAY,
    newConnectionMinFlows: 3,
  },
  reopenGapMs: 26 * HOUR,
  attackReopenGapMs: 2 * HOUR,
};

export type DetectOptionsInput = {
  denied?: Partial<DeniedDetectOptions>;
  allowed?: Partial<AllowedDetectOptions>;
  reopenGapMs?: number;
  attackReopenGapMs?: number;
};

const RATIO_KEYS = new Set(['beaconMaxCv', 'ewmaAlpha']);

function check(path: string, value: unknown): void {
  if (Array.isArray(value)) {
    if (!value.every((p) => Number.isInteger(p) && p >= 0 && p <= 65_535))
      throw new RangeError(`${path} must be a list of ports 0-65535`);
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new RangeError(`${path} must be a finite number >= 0, got ${String(value)}`);
  const key = path.slice(path.lastIndexOf('.') + 1);
  if (RATIO_KEYS.has(key) && value > 1) throw new RangeError(`${path} must be from 0 to 1`);
}

/**
 * Defaults overlaid with `input`, every value checked; unknown keys are refused.
 * @example resolveDetectOptions({ allowed: { spikeRatio: 6 } }).allowed.spikeRatio // 6
 */
export function resolveDetectOptions(input: DetectOptionsInput = {}): DetectOptions {
  const out: DetectOptions = {
    denied: { ...DEFAULT_DETECT_OPTIONS.denied },
    allowed: { ...DEFAULT_DETECT_OPTIONS.allowed },
    reopenGapMs: DEFAULT_DETECT_OPTIONS.reopenGapMs,
    attackReopenGapMs: DEFAULT_DETECT_OPTIONS.attackReopenGapMs,
  };
  for (const [key, value] of Object.entries(input)) {
    if (key === 'denied' || key === 'allowed') {
      const target = out[key] as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        if (!(k in target)) throw new RangeError(`unknown detection option ${key}.${k}`);
        if (v === undefined) continue;
        check(`${key}.${k}`, v);
        target[k] = Array.isArray(v) ? [...(v as number[])] : v;
      }
    } else if (key === 'reopenGapMs' || key === 'attackReopenGapMs') {
      if (value === undefined) continue;
      check(key, value);
      out[key] = value as number;
    } else throw new RangeError(`unknown detection option ${key}`);
  }
  if (out.allowed.stepMs < 60_000 || out.allowed.stepMs % 60_000 !== 0)
    throw new RangeError('allowed.stepMs must be a whole number of minutes');
  return out;
}
