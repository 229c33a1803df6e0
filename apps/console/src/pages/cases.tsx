import { useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router-dom';
import { Button, Checkboxes, Select, Table, TextInput } from 'nhsuk-react-components';
import { qs, type Page } from '../api';
import { Loading, ProblemSummary, StatusTag } from '../components';
import { useApi } from '../use-api';
import { useSession } from '../session';
import { london, words } from '../time';

interface CaseSummary {
  id: string;
  title: string;
  serviceName: string;
  state: string;
  track: string;
  route: string | null;
  version: number;
  updatedAt?: string;
  nextDeadline?: { kind: string; dueAt: string } | null;
}

/** Cases the caller may read, with the contract's filters: state, awaiting me, words. */
export function CasesPage() {
  const { person, loading } = useSession();
  const [params, setParams] = useSearchParams();
  const [form, setForm] = useState({
    state: params.get('state') ?? '',
    q: params.get('q') ?? '',
    awaiting: params.get('awaiting') === 'me',
  });
  const path = `/cases${qs({ state: params.get('state'), q: params.get('q'), awaiting: params.get('awaiting'), limit: 50 })}`;
  const cases = useApi<Page<CaseSummary>>(person ? path : null);
  // the states come from the machine itself, so the filter never lists fewer than it uses
  const chart = useApi<{ root: { states: { key: string }[] } }>(person ? '/statechart' : null);
  const states = (chart.data?.root.states ?? []).map((n) => n.key);
  if (loading) return <Loading what="your session" />;
  if (!person) return <Navigate to="/sign-in" replace />;

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    if (form.state) next.set('state', form.state);
    if (form.q) next.set('q', form.q);
    if (form.awaiting) next.set('awaiting', 'me');
    setParams(next);
  };

  return (
    <>
      <h1 className="nhsuk-heading-l">Cases</h1>
      {person.roles.includes('commissioner') && (
        <p className="nhsuk-body">
          <Link to="/cases/new">Raise a new case</Link>
        </p>
      )}
      <form onSubmit={apply} noValidate aria-label="Filter cases">
        <Select
          id="state"
          label="State"
          value={form.state}
          onChange={(e) => setForm({ ...form, state: e.target.value })}
        >
          <Select.Option value="">Any state</Select.Option>
          {states.map((s) => (
            <Select.Option key={s} value={s}>
              {words(s)}
            </Select.Option>
          ))}
        </Select>
        <TextInput
          id="q"
          label="Words in the title or service"
          value={form.q}
          onChange={(e) => setForm({ ...form, q: e.target.value })}
        />
        <Checkboxes id="awaiting" name="awaiting">
          <Checkboxes.Item
            value="me"
            checked={form.awaiting}
            onChange={(e) => setForm({ ...form, awaiting: e.target.checked })}
          >
            Only cases waiting for me
          </Checkboxes.Item>
        </Checkboxes>
        <Button type="submit" secondary>
          Apply filters
        </Button>
      </form>
      <ProblemSummary problem={cases.error} />
      {cases.loading ? (
        <Loading what="cases" />
      ) : (
        <Table caption="Cases, most recently updated first" responsive>
          <Table.Head>
            <Table.Row>
              <Table.Cell>Case</Table.Cell>
              <Table.Cell>Service</Table.Cell>
              <Table.Cell>State</Table.Cell>
              <Table.Cell>Next deadline (Europe/London)</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {(cases.data?.items ?? []).map((c) => (
              <Table.Row key={c.id}>
                <Table.Cell>
                  <Link to={`/cases/${c.id}`}>{c.title}</Link>
                </Table.Cell>
                <Table.Cell>{c.serviceName}</Table.Cell>
                <Table.Cell>
                  <StatusTag value={c.state} />
                </Table.Cell>
                <Table.Cell>
                  {c.nextDeadline ? `${words(c.nextDeadline.kind)}: ${london(c.nextDeadline.dueAt)}` : '—'}
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </>
  );
}
