import type { ServiceMapResponse } from '@api/dashboard-schema.js';

export interface Box {
  namespace: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Placed {
  id: string;
  label: string;
  x: number;
  y: number;
  external: boolean;
}

export interface MapLayout {
  boxes: Box[];
  nodes: Map<string, Placed>;
  width: number;
  height: number;
}

export const BOX_W = 230;
const ROW_H = 22;
const HEAD_H = 28;
const GAP_X = 110;
const GAP_Y = 30;

/**
 * Namespaces as boxes in a grid (columns filled top to bottom, balancing heights), workloads as
 * rows inside their namespace box. Deterministic: same data, same picture.
 */
export function layoutMap(data: ServiceMapResponse, maxWidth: number): MapLayout {
  const groups = new Map<string, ServiceMapResponse['nodes']>();
  for (const n of data.nodes) {
    const ns = n.namespace ?? (n.kind === 'external' ? 'external' : 'peers not reported');
    groups.set(ns, [...(groups.get(ns) ?? []), n]);
  }
  const names = [...groups.keys()].sort((a, b) =>
    a === 'external' ? 1 : b === 'external' ? -1 : a.localeCompare(b),
  );
  const cols = Math.max(
    1,
    Math.min(names.length, Math.floor((maxWidth + GAP_X) / (BOX_W + GAP_X))),
  );
  const colY = Array<number>(cols).fill(10);
  const boxes: Box[] = [];
  const nodes = new Map<string, Placed>();
  for (const ns of names) {
    const members = (groups.get(ns) ?? [])
      .slice()
      .sort((a, b) => a.workload.localeCompare(b.workload));
    let col = 0;
    for (let c = 1; c < cols; c += 1) if ((colY[c] ?? 0) < (colY[col] ?? 0)) col = c;
    const x = 10 + col * (BOX_W + GAP_X);
    const y = colY[col] ?? 10;
    const h = HEAD_H + members.length * ROW_H + 8;
    boxes.push({ namespace: ns, x, y, w: BOX_W, h });
    members.forEach((m, i) => {
      nodes.set(m.id, {
        id: m.id,
        label: m.workload,
        x,
        y: y + HEAD_H + i * ROW_H + ROW_H / 2,
        external: m.kind === 'external',
      });
    });
    colY[col] = y + h + GAP_Y;
  }
  return {
    boxes,
    nodes,
    width: 20 + cols * (BOX_W + GAP_X) - GAP_X,
    height: Math.max(...colY, 100),
  };
}

/** A curve from the right edge of the source row to the left edge of the destination row. */
export function edgePath(a: Placed, b: Placed): string {
  const sameCol = Math.abs(a.x - b.x) < 1;
  const x1 = a.x + BOX_W;
  const x2 = sameCol ? b.x + BOX_W : b.x;
  const y1 = a.y;
  const y2 = b.y;
  if (sameCol) {
    const bulge = 40 + Math.min(120, Math.abs(y2 - y1) / 3);
    return `M${x1},${y1} C${x1 + bulge},${y1} ${x2 + bulge},${y2} ${x2},${y2}`;
  }
  const fwd = x2 > x1;
  const sx = fwd ? x1 : a.x;
  const ex = fwd ? x2 : b.x + BOX_W;
  const dx = Math.max(40, Math.abs(ex - sx) / 2);
  return `M${sx},${y1} C${sx + (fwd ? dx : -dx)},${y1} ${ex + (fwd ? -dx : dx)},${y2} ${ex},${y2}`;
}
