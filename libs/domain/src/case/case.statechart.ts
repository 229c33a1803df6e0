import { caseMachine } from './case.machine';

/** The case machine as data, for diagrams (GET /statechart): read from the definition itself. */
export interface StatechartNode {
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  initial: string | null;
  states: StatechartNode[];
}

export interface StatechartTransition {
  source: string;
  event: string;
  /** null for a self transition that changes no state (it records, or schedules, only) */
  target: string | null;
  guard: string | null;
}

export interface StatechartDescription {
  id: string;
  version: string | null;
  root: StatechartNode;
  events: string[];
  transitions: StatechartTransition[];
}

interface GuardLike {
  type?: string;
  params?: { state?: string };
  guards?: GuardLike[];
  name?: string;
}
interface NodeLike {
  id: string;
  key: string;
  type: StatechartNode['type'];
  initial?: { target?: { key: string }[] };
  states: Record<string, NodeLike>;
  transitions: Map<string, { target?: { id: string }[]; guard?: GuardLike | string }[]>;
}

/** `rulesPass(tendering) and questionsUnanswered`: the guard's names, as written in the machine. */
export function guardName(g: GuardLike | string | undefined): string | null {
  if (g === undefined || g === null) return null;
  if (typeof g === 'string') return g;
  if (typeof g === 'function') {
    const fn = g as GuardLike & { name: string };
    const parts = (fn.guards ?? []).map((x) => guardName(x));
    if (fn.name === 'not') return `not ${parts[0]}`;
    return parts.join(` ${fn.name} `);
  }
  return g.type === 'rulesPass' && g.params?.state ? `rulesPass(${g.params.state})` : (g.type ?? null);
}

function describeNode(n: NodeLike): StatechartNode {
  return {
    id: n.id,
    key: n.key,
    type: n.type,
    initial: n.initial?.target?.[0]?.key ?? null,
    states: Object.values(n.states ?? {}).map(describeNode),
  };
}

function collect(n: NodeLike, out: StatechartTransition[]): void {
  for (const [event, defs] of n.transitions ?? new Map()) {
    for (const d of defs) {
      out.push({ source: n.id, event, target: d.target?.[0]?.id ?? null, guard: guardName(d.guard) });
    }
  }
  for (const child of Object.values(n.states ?? {})) collect(child, out);
}

export function describeStatechart(): StatechartDescription {
  const root = caseMachine.root as unknown as NodeLike;
  const transitions: StatechartTransition[] = [];
  collect(root, transitions);
  return {
    id: root.id,
    version: (caseMachine as { version?: string }).version ?? null,
    root: describeNode(root),
    events: [...new Set(transitions.map((t) => t.event))].sort(),
    transitions,
  };
}
