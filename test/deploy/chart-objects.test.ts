// The chart's rendered objects: hardened containers, least-privilege RBAC, the store wiring for
// SQLite and PostgreSQL, the optional objects, and no secret in a rendering.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/services/config.js';
import { byKind, type K8sObject, renderChart } from './helm-chart.js';
import { SCENARIOS } from './scenarios.js';

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  securityContext?: Record<string, unknown>;
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: unknown; limits?: unknown };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  securityContext?: Record<string, unknown>;
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; persistentVolumeClaim?: unknown; emptyDir?: unknown }[];
  automountServiceAccountToken?: boolean;
}

function deployment(objects: readonly K8sObject[]): K8sObject & {
  spec: { replicas: number; strategy: { type: string }; template: { spec: PodSpec } };
} {
  const d = byKind(objects, 'Deployment');
  expect(d).toHaveLength(1);
  return d[0] as never;
}

function rules(objects: readonly K8sObject[]): { verbs: string[]; resources: string[] }[] {
  return byKind(objects, 'ClusterRole').flatMap((r) => r.rules as never);
}

describe.each(SCENARIOS)('chart objects, $name', (scenario) => {
  const { objects } = renderChart({ values: scenario.values });

  it('hardens every container and the pod', () => {
    const spec = deployment(objects).spec.template.spec;
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
      expect(c.securityContext, c.name).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.securityContext?.capabilities).not.toHaveProperty('add');
      expect(Number(c.securityContext?.runAsUser)).toBeGreaterThan(0);
      expect(c.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(c.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(c.resources?.requests).toBeDefined();
      expect(c.resources?.limits).toBeDefined();
      expect(c.image).not.toMatch(/:latest$/);
      expect(c.args?.[0]).toBe('serve');
    }
    // /tmp is writable although the root filesystem is not.
    expect(spec.volumes?.find((v) => v.name === 'tmp')?.emptyDir).toBeDefined();
  });

  it('grants read-only RBAC unless quarantine is enabled', () => {
    const values = renderChart({ values: scenario.values }).values as {
      kubernetes: { liveModel: { enabled: boolean }; quarantine: boolean };
    };
    const all = rules(objects);
    if (!values.kubernetes.liveModel.enabled) {
      expect(byKind(objects, 'ClusterRole')).toEqual([]);
      expect(deployment(objects).spec.template.spec.automountServiceAccountToken).toBe(false);
      return;
    }
    const writes = all.filter((r) => r.verbs.some((v) => !['get', 'list', 'watch'].includes(v)));
    if (!values.kubernetes.quarantine) expect(writes).toEqual([]);
    else
      expect(writes).toEqual([
        expect.objectContaining({ resources: ['networkpolicies'], verbs: ['create', 'delete'] }),
      ]);
    for (const r of all) expect(r.resources).not.toContain('secrets');
    expect(byKind(objects, 'ClusterRoleBinding')).toHaveLength(
      values.kubernetes.quarantine ? 2 : 1,
    );
  });

  it('puts no password or URL in the rendering', () => {
    const text = JSON.stringify(objects);
    expect(text).not.toMatch(/postgres(ql)?:\/\//);
    expect(byKind(objects, 'Secret')).toEqual([]);
  });
});

describe('store wiring', () => {
  it('SQLite: one replica, Recreate, a kept PVC at /data, NETSEC_DB', () => {
    const { objects } = renderChart();
    const d = deployment(objects);
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy.type).toBe('Recreate');
    expect(byKind(objects, 'PodDisruptionBudget')).toEqual([]);
    const pvc = byKind(objects, 'PersistentVolumeClaim');
    expect(pvc).toHaveLength(1);
    expect(pvc[0]!.metadata).toMatchObject({ annotations: { 'helm.sh/resource-policy': 'keep' } });
    const env = d.spec.template.spec.containers[0]!.env ?? [];
    expect(env).toContainEqual({ name: 'NETSEC_DB', value: '/data/netsec.db' });
    expect(env).toContainEqual({ name: 'HOST', value: '0.0.0.0' });
    expect(env.map((e) => e.name)).not.toContain('NETSEC_STORE_URL');
  });

  it('PostgreSQL: replicas, rolling update, no PVC, the URL from a Secret', () => {
    const { objects } = renderChart({ values: [SCENARIOS[2]!.values[0]!] });
    const d = deployment(objects);
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.strategy.type).toBe('RollingUpdate');
    expect(byKind(objects, 'PodDisruptionBudget')[0]).toMatchObject({ spec: { minAvailable: 1 } });
    expect(byKind(objects, 'PersistentVolumeClaim')).toEqual([]);
    const env = d.spec.template.spec.containers[0]!.env ?? [];
    expect(env).toContainEqual({
      name: 'NETSEC_STORE_URL',
      valueFrom: { secretKeyRef: { name: 'netsec-postgres', key: 'url' } },
    });
    expect(env.map((e) => e.name)).not.toContain('NETSEC_DB');
    // The Goldmane client certificate, mounted for the TLS source.
    const spec = d.spec.template.spec;
    expect(spec.containers[0]!.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'goldmane-certs', mountPath: '/certs' }),
    );
    expect(spec.volumes?.map((v) => v.name)).toContain('goldmane-certs');
  });

  it('refuses replicas > 1 on SQLite, and PostgreSQL without its Secret', () => {
    expect(() => renderChart({ values: [{ replicas: 2 }] })).toThrow(/replicas > 1 needs/);
    expect(() => renderChart({ values: [{ store: { postgresql: { enabled: true } } }] })).toThrow(
      /existingSecret/,
    );
    expect(() =>
      renderChart({ values: [{ kubernetes: { liveModel: { enabled: true } } }] }),
    ).toThrow(/kubernetesApi\.cidrs/);
  });
});

describe('optional objects', () => {
  it('Ingress, ServiceMonitor with a token Secret, live-model config, sources as args', () => {
    const { objects } = renderChart({ values: [SCENARIOS[1]!.values[0]!] });
    const ing = byKind(objects, 'Ingress')[0] as never as {
      spec: { rules: { host: string; http: { paths: { backend: unknown }[] } }[]; tls: unknown[] };
    };
    expect(ing.spec.rules[0]!.host).toBe('netsec.example.com');
    expect(ing.spec.rules[0]!.http.paths[0]!.backend).toEqual({
      service: { name: 'netsec', port: { name: 'http' } },
    });
    expect(ing.spec.tls).toEqual([{ hosts: ['netsec.example.com'], secretName: 'netsec-tls' }]);
    const sm = byKind(objects, 'ServiceMonitor')[0] as never as {
      apiVersion: string;
      spec: { endpoints: unknown[] };
    };
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.spec.endpoints[0]).toMatchObject({
      port: 'http',
      path: '/metrics',
      authorization: {
        type: 'Bearer',
        credentials: { name: 'netsec-metrics-token', key: 'token' },
      },
    });
    const cm = byKind(objects, 'ConfigMap')[0] as never as { data: Record<string, string> };
    expect(cm.data['netsec.yaml']).toMatch(/kubernetes:\n {2}enabled: true\n {2}inCluster: true/);
    expect(cm.data['netsec.yaml']).toMatch(/alertmanager:\n\s+url: http:\/\/alertmanager-main/);
    const c = deployment(objects).spec.template.spec.containers[0]!;
    expect(c.args).toEqual([
      'serve',
      '--source',
      'hubble-relay://hubble-relay.kube-system.svc:80',
      '--source',
      'promql+http://prometheus-k8s.monitoring.svc:9090',
    ]);
    expect(c.env).toContainEqual({
      name: 'NETSEC_ADMIN_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'netsec-admin', key: 'password' } },
    });
  });

  it('an admin password given in values goes into a Secret, referenced by the pod', () => {
    const { objects } = renderChart({ values: [{ admin: { password: 'correct horse' } }] });
    const s = byKind(objects, 'Secret')[0] as never as { data: Record<string, string> };
    expect(Buffer.from(s.data.password!, 'base64').toString()).toBe('correct horse');
    expect(JSON.stringify(deployment(objects))).not.toContain('correct horse');
  });

  it('gives every object a name within 63 characters and the release namespace', () => {
    const { objects } = renderChart({
      releaseName: 'a-long-release-name-for-the-network-security-dashboar',
      namespace: 'sec',
      values: [SCENARIOS[1]!.values[0]!],
    });
    for (const o of objects) {
      expect(o.metadata.name.length, o.metadata.name).toBeLessThanOrEqual(63);
      if (!o.kind.startsWith('Cluster')) expect(o.metadata.namespace).toBe('sec');
    }
  });
});

describe.each(SCENARIOS)('netsec.yaml and environment, $name', (scenario) => {
  it("are accepted by the server's own configuration loader", () => {
    const { objects } = renderChart({ values: scenario.values });
    const cm = byKind(objects, 'ConfigMap')[0] as never as { data: Record<string, string> };
    const dir = mkdtempSync(join(tmpdir(), 'netsec-config-'));
    try {
      const file = join(dir, 'netsec.yaml');
      writeFileSync(file, cm.data['netsec.yaml']!);
      const container = deployment(objects).spec.template.spec.containers[0]!;
      const env = Object.fromEntries(
        (container.env ?? []).map((e) => [e.name, e.value ?? 'postgres://from-a-secret/netsec']),
      );
      const config = loadConfig({
        configPath: file,
        env: { ...env, NETSEC_ADMIN_PASSWORD: undefined },
      });
      expect(config.server).toMatchObject({ host: '0.0.0.0', port: 8080 });
      expect(config.store.url === null ? config.store.path : 'pg').toBe(
        env.NETSEC_STORE_URL ? 'pg' : '/data/netsec.db',
      );
      expect(config.kubernetes?.inCluster ?? false).toBe(
        (
          renderChart({ values: scenario.values }).values.kubernetes as {
            liveModel: { enabled: boolean };
          }
        ).liveModel.enabled,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('NOTES.txt', () => {
  it('tells how to reach the dashboard and where the generated password is', () => {
    const plain = renderChart().notes;
    expect(plain).toContain('kubectl -n netsec port-forward svc/netsec 8080:8080');
    expect(plain).toContain('kubectl -n netsec logs deploy/netsec | grep -i password');
    const cilium = renderChart({ values: [SCENARIOS[1]!.values[0]!] }).notes;
    expect(cilium).toContain('Open https://netsec.example.com/');
    expect(cilium).not.toContain('logs deploy');
    expect(renderChart({ values: [SCENARIOS[2]!.values[0]!] }).notes).toContain(
      'Quarantine is enabled',
    );
  });
});
