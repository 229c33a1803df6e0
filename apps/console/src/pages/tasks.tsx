import { Link, Navigate } from 'react-router-dom';
import { Table } from 'nhsuk-react-components';
import type { Page } from '../api';
import { Loading, ProblemSummary } from '../components';
import { useApi } from '../use-api';
import { useSession } from '../session';
import { countdown, london, words } from '../time';

export interface Task {
  kind: string;
  caseId: string;
  caseTitle: string;
  dueAt: string | null;
  ref: string | null;
}

/** Where each kind of task is done. */
export function taskLink(t: Task): string {
  const anchors: Record<string, string> = {
    declare: 'declarations',
    review_declaration: 'declarations',
    complete_conflict_check: 'actions',
    decide_route: 'actions',
    answer_question: 'questions',
    score_bids: 'evaluation',
    propose_award: 'actions',
    resolve_flag: 'flags',
    approve_award: 'actions',
    resolve_representation: 'representations',
  };
  return `/cases/${t.caseId}#${anchors[t.kind] ?? 'summary'}`;
}

/** The worklist: what waits for the signed-in person, soonest first. */
export function TasksPage() {
  const { person, loading } = useSession();
  const provider = !!person && person.roles.length === 1 && person.roles[0] === 'provider';
  const tasks = useApi<Page<Task>>(person && !provider ? '/me/tasks?limit=200' : null);
  if (loading) return <Loading what="your session" />;
  if (!person) return <Navigate to="/sign-in" replace />;
  if (provider) {
    return (
      <>
        <h1 className="nhsuk-heading-l">My tasks</h1>
        <p className="nhsuk-body">
          Providers follow their work through the <Link to="/tenders">open tenders</Link> and{' '}
          <Link to="/bids">their bids</Link>.
        </p>
      </>
    );
  }
  return (
    <>
      <h1 className="nhsuk-heading-l">My tasks</h1>
      <ProblemSummary problem={tasks.error} />
      {tasks.loading ? (
        <Loading what="tasks" />
      ) : tasks.data && tasks.data.items.length === 0 ? (
        <p className="nhsuk-body">Nothing is waiting for you.</p>
      ) : (
        <Table caption="Tasks waiting for you, soonest first" responsive>
          <Table.Head>
            <Table.Row>
              <Table.Cell>Task</Table.Cell>
              <Table.Cell>Case</Table.Cell>
              <Table.Cell>Due (Europe/London)</Table.Cell>
              <Table.Cell>Time left</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {(tasks.data?.items ?? []).map((t, i) => (
              <Table.Row key={`${t.kind}-${t.caseId}-${t.ref ?? i}`}>
                <Table.Cell>
                  <Link to={taskLink(t)}>{words(t.kind)}</Link>
                </Table.Cell>
                <Table.Cell>{t.caseTitle}</Table.Cell>
                <Table.Cell>{london(t.dueAt)}</Table.Cell>
                <Table.Cell>{countdown(t.dueAt)}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </>
  );
}
