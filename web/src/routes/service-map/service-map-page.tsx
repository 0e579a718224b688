import type { ServiceMapResponse } from '@api/dashboard-schema.js';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { useServiceMap } from '../../api/service-map';
import { fmtCount } from '../../components/format';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { useParam, useScope } from '../../state/url-state';
import { EdgeDrawer } from './edge-drawer';
import { BOX_W, edgePath, layoutMap } from './map-layout';

type Edge = ServiceMapResponse['edges'][number];

function isDenied(e: Edge): boolean {
  return (e.denied.flows ?? e.denied.packets ?? 0) > 0;
}

function MapSvg({
  data,
  width,
  selected,
  onSelect,
  deniedOnly,
}: {
  data: ServiceMapResponse;
  width: number;
  selected: string | null;
  onSelect: (id: string) => void;
  deniedOnly: boolean;
}): React.JSX.Element {
  const layout = useMemo(() => layoutMap(data, width), [data, width]);
  const [hover, setHover] = useState<string | null>(null);
  const edges = data.edges.filter((e) => !deniedOnly || isDenied(e));
  // Allowed first, denied last: denied edges are drawn on top.
  const ordered = [...edges].sort((a, b) => Number(isDenied(a)) - Number(isDenied(b)));
  const maxV = Math.max(
    1,
    ...edges.map(
      (e) =>
        (e.allowed.flows ?? e.allowed.packets ?? 0) + (e.denied.flows ?? e.denied.packets ?? 0),
    ),
  );
  return (
    <svg
      className="map"
      width={layout.width}
      height={layout.height}
      role="group"
      aria-label="Service map"
      data-testid="service-map"
    >
      <defs>
        <marker
          id="arrow-allow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto-start-reverse"
        >
          <path d="M0,0 L10,5 L0,10 z" className="arrow-allow" />
        </marker>
        <marker
          id="arrow-deny"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M0,0 L10,5 L0,10 z" className="arrow-deny" />
        </marker>
      </defs>
      {layout.boxes.map((b) => (
        <g key={b.namespace} className="ns-box">
          <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={8} />
          <text x={b.x + 10} y={b.y + 18} className="ns-title">
            {b.namespace}
          </text>
        </g>
      ))}
      {ordered.map((e) => {
        const a = layout.nodes.get(e.src);
        const b = layout.nodes.get(e.dst);
        if (!a || !b) return null;
        const denied = isDenied(e);
        const v =
          (e.allowed.flows ?? e.allowed.packets ?? 0) + (e.denied.flows ?? e.denied.packets ?? 0);
        const w = denied
          ? 2 + 3 * Math.log10(1 + (9 * v) / maxV)
          : 1 + 2 * Math.log10(1 + (9 * v) / maxV);
        const lit = hover === null || hover === e.src || hover === e.dst;
        const d = edgePath(a, b);
        const label = `${e.src} → ${e.dst}: ${denied ? `${fmtCount(e.denied.flows ?? e.denied.packets)} denied, ` : ''}${fmtCount(e.allowed.flows ?? e.allowed.packets)} allowed; ports ${e.ports.join(', ')}`;
        return (
          <g
            key={e.id}
            className={`edge ${denied ? 'deny' : 'allow'} ${selected === e.id ? 'sel' : ''} ${lit ? '' : 'dim'}`}
            onClick={() => onSelect(e.id)}
            role="button"
            tabIndex={0}
            aria-label={label}
            onKeyDown={(k) => (k.key === 'Enter' || k.key === ' ') && onSelect(e.id)}
            data-testid={denied ? 'edge-denied' : 'edge-allowed'}
          >
            <title>{label}</title>
            <path d={d} className="hit" />
            <path
              d={d}
              className="line"
              strokeWidth={w}
              markerEnd={`url(#arrow-${denied ? 'deny' : 'allow'})`}
            />
          </g>
        );
      })}
      {[...layout.nodes.values()].map((n) => (
        <g
          key={n.id}
          className={`node ${n.external ? 'ext' : ''}`}
          onMouseEnter={() => setHover(n.id)}
          onMouseLeave={() => setHover(null)}
        >
          <circle cx={n.x + 12} cy={n.y} r={4} />
          <text x={n.x + 22} y={n.y + 4} className="node-label">
            {n.label.length > 28 ? `${n.label.slice(0, 27)}…` : n.label}
            <title>{n.id}</title>
          </text>
        </g>
      ))}
    </svg>
  );
}

export function Page(): React.JSX.Element {
  const scope = useScope();
  const q = useServiceMap(scope);
  const [edge, setEdge] = useParam('edge');
  const [deniedOnlyP, setDeniedOnly] = useParam('denied');
  const deniedOnly = deniedOnlyP === '1';
  const host = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);
  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const ro = new ResizeObserver(() => setWidth(Math.max(BOX_W + 20, el.clientWidth - 20)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const close = useCallback(() => setEdge(null), [setEdge]);
  const selected = q.data?.edges.find((e) => e.id === edge);
  const nodeById = useMemo(() => new Map((q.data?.nodes ?? []).map((n) => [n.id, n])), [q.data]);
  return (
    <div className="page">
      <h1>Service map</h1>
      <Panel
        title="Who talks to whom"
        subtitle={
          <>
            Workloads grouped by namespace. <span className="key-deny">Red: denied</span> (drawn on
            top), <span className="key-allow">grey: allowed</span>. Select an edge for its flows.
          </>
        }
        actions={
          <label className="chip">
            <input
              type="checkbox"
              checked={deniedOnly}
              onChange={(e) => setDeniedOnly(e.target.checked ? '1' : null)}
            />{' '}
            Denied only
          </label>
        }
      >
        <div ref={host} className="map-host">
          <QueryState
            query={q}
            isEmpty={(d) => d.edges.length === 0}
            empty="No traffic in this window."
          >
            {(d) => (
              <>
                <MapSvg
                  data={d}
                  width={width}
                  selected={edge}
                  onSelect={setEdge}
                  deniedOnly={deniedOnly}
                />
                {d.truncated ? (
                  <p className="muted small">
                    The smallest allowed edges are left out to keep the map readable.
                  </p>
                ) : null}
              </>
            )}
          </QueryState>
        </div>
      </Panel>
      {selected ? (
        <EdgeDrawer
          scope={scope}
          edge={selected}
          src={nodeById.get(selected.src)}
          dst={nodeById.get(selected.dst)}
          onClose={close}
        />
      ) : null}
    </div>
  );
}
