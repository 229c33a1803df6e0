// Thin wrappers over the NHS design system's own components (nhsuk-react-components on
// nhsuk-frontend): how this console uses them, not a component library of its own.
import { useEffect, useRef, type ReactNode } from 'react';
import { ErrorSummary, Tag } from 'nhsuk-react-components';
import { ApiProblem } from './api';
import { words } from './time';

/** Every problem from the API as an NHS error summary, linking to the field it names. */
export function ProblemSummary({
  problem,
  fieldIds = {},
}: {
  problem: ApiProblem | null;
  fieldIds?: Record<string, string>;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (problem) ref.current?.focus();
  }, [problem]);
  if (!problem) return null;
  const items = problem.errors.length ? problem.errors : [{ field: '', message: problem.detail || problem.title }];
  return (
    <ErrorSummary ref={ref} aria-labelledby="error-summary-title">
      <ErrorSummary.Title id="error-summary-title">
        {problem.title} ({problem.code})
      </ErrorSummary.Title>
      <ErrorSummary.List>
        {items.map((e, i) => (
          <ErrorSummary.ListItem key={i} href={`#${fieldIds[e.field] ?? e.field ?? 'main-content'}`}>
            {e.field ? `${e.field}: ` : ''}
            {e.message}
          </ErrorSummary.ListItem>
        ))}
      </ErrorSummary.List>
    </ErrorSummary>
  );
}

const STATE_COLOUR: Record<string, 'blue' | 'green' | 'red' | 'orange' | 'grey' | 'purple' | 'yellow' | 'aqua-green'> =
  {
    draft: 'grey',
    conflict_check: 'purple',
    route_decision: 'blue',
    tendering: 'aqua-green',
    evaluation: 'blue',
    award_checks: 'yellow',
    governance_review: 'orange',
    standstill: 'yellow',
    awarded: 'green',
    cancelled: 'red',
    unsuccessful: 'red',
    open: 'orange',
    blocking: 'red',
    advisory: 'yellow',
    accepted: 'green',
    upheld: 'red',
    superseded: 'grey',
    pending: 'blue',
    done: 'green',
  };

export function StatusTag({ value }: { value: string }) {
  return <Tag modifier={STATE_COLOUR[value] ?? 'grey'}>{words(value)}</Tag>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="nhsuk-body" role="status">
      Loading {what}…
    </p>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section aria-labelledby={id ? `${id}-title` : undefined} className="nhsuk-u-margin-bottom-6">
      <h2 className="nhsuk-heading-m" id={id ? `${id}-title` : undefined}>
        {title}
      </h2>
      {children}
    </section>
  );
}
