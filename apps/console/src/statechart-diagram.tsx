import { useEffect, useState } from 'react';
import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { useApi } from './use-api';
import { words } from './time';

interface ChartNode {
  id: string;
  key: string;
  type: string;
  states: ChartNode[];
}
interface Chart {
  root: ChartNode;
  transitions: { source: string; event: string; target: string | null; guard: string | null }[];
}

const elk = new ELK();
const W = 150;
const H = 40;

/** ELK's graph for the machine: nested states as nested nodes, one edge per (source, target). */
function toElk(chart: Chart): ElkNode {
  const node = (n: ChartNode): ElkNode => ({
    id: n.id,
    labels: [{ text: words(n.key) }],
    ...(n.states.length
      ? { children: n.states.map(node), layoutOptions: { 'elk.padding': '[top=28,left=12,bottom=12,right=12]' } }
      : { width: W, height: H }),
  });
  const seen = new Set<string>();
  const edges: ElkExtendedEdge[] = [];
  for (const t of chart.transitions) {
    // every live state can be cancelled: said once in the caption instead of drawn eleven times
    if (!t.target || t.target === t.source || t.event === 'CANCEL') continue;
    const id = `${t.source}->${t.target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const events = chart.transitions.filter((x) => x.source === t.source && x.target === t.target).map((x) => x.event);
    edges.push({ id, sources: [t.source], targets: [t.target], labels: [{ text: [...new Set(events)].join(', ') }] });
  }
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.nodeNode': '24',
    },
    children: chart.root.states.map(node),
    edges,
  };
}

interface Placed {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  compound: boolean;
}

function place(n: ElkNode, dx: number, dy: number, out: Placed[]): void {
  for (const c of n.children ?? []) {
    const x = dx + (c.x ?? 0);
    const y = dy + (c.y ?? 0);
    out.push({
      id: c.id,
      x,
      y,
      width: c.width ?? W,
      height: c.height ?? H,
      label: c.labels?.[0]?.text ?? c.id,
      compound: !!c.children?.length,
    });
    place(c, x, y, out);
  }
}

/** The case statechart laid out by ELK, with the case's current state highlighted. */
export function StatechartDiagram({ current }: { current: string[] }) {
  const chart = useApi<Chart>('/statechart');
  const [layout, setLayout] = useState<ElkNode | null>(null);
  useEffect(() => {
    if (chart.data) void elk.layout(toElk(chart.data)).then(setLayout);
  }, [chart.data]);
  if (!layout) return <p className="nhsuk-body">Drawing the statechart…</p>;
  const nodes: Placed[] = [];
  place(layout, 0, 0, nodes);
  const active = new Set(current.map((s) => `case.${s}`));
  const label = `Case statechart; the case is in ${current.map(words).join(', ')}`;
  return (
    // focusable, so keyboard users can scroll a diagram wider than the page
    <figure
      className="nhsuk-u-margin-0"
      style={{ overflowX: 'auto' }}
      tabIndex={0}
      aria-label="Case statechart diagram"
    >
      <svg
        role="img"
        aria-label={label}
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        style={{ fontFamily: 'inherit', fontSize: 13 }}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="#4c6272" />
          </marker>
        </defs>
        {(layout.edges as ElkExtendedEdge[] | undefined)?.map((e) =>
          (e.sections ?? []).map((s, i) => {
            const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
            return (
              <polyline
                key={`${e.id}-${i}`}
                points={pts.map((p) => `${p.x},${p.y}`).join(' ')}
                fill="none"
                stroke="#4c6272"
                strokeWidth={1.2}
                markerEnd="url(#arrow)"
              >
                <title>{e.labels?.[0]?.text}</title>
              </polyline>
            );
          }),
        )}
        {nodes.map((n) => {
          const on = active.has(n.id);
          return (
            <g key={n.id} data-state={n.id} data-active={on || undefined}>
              <rect
                x={n.x}
                y={n.y}
                width={n.width}
                height={n.height}
                rx={6}
                fill={n.compound ? '#f0f4f5' : on ? '#005eb8' : '#ffffff'}
                stroke={on ? '#003087' : '#768692'}
                strokeWidth={on ? 3 : 1}
              />
              <text
                x={n.x + n.width / 2}
                y={n.compound ? n.y + 18 : n.y + n.height / 2 + 4}
                textAnchor="middle"
                fill={on && !n.compound ? '#ffffff' : '#212b32'}
                fontWeight={on ? 700 : 400}
              >
                {n.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="nhsuk-body-s">
        {label}. Any state before the final ones can also be cancelled (CANCEL).
      </figcaption>
    </figure>
  );
}
