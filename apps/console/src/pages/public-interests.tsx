import { Table } from 'nhsuk-react-components';
import type { Page } from '../api';
import { Loading, ProblemSummary } from '../components';
import { useApi } from '../use-api';
import { words } from '../time';

interface RegisterEntry {
  name: string;
  role: string;
  category: string;
  organisation: string | null;
  description: string;
  startsOn: string;
  endsOn: string | null;
}

/** The public register of interests: no sign-in needed. */
export function InterestsRegisterPage() {
  const reg = useApi<Page<RegisterEntry>>('/registers/interests?limit=200');
  return (
    <>
      <h1 className="nhsuk-heading-l">Register of interests</h1>
      <p className="nhsuk-body">
        Every interest declared by the people who take commissioning decisions. Ended interests stay published for 6
        months.
      </p>
      <ProblemSummary problem={reg.error} />
      {reg.loading ? (
        <Loading what="the register" />
      ) : (
        <Table caption="Declared interests" responsive>
          <Table.Head>
            <Table.Row>
              <Table.Cell>Name</Table.Cell>
              <Table.Cell>Role</Table.Cell>
              <Table.Cell>Category</Table.Cell>
              <Table.Cell>Organisation</Table.Cell>
              <Table.Cell>Description</Table.Cell>
              <Table.Cell>From</Table.Cell>
              <Table.Cell>To</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {(reg.data?.items ?? []).map((r, i) => (
              <Table.Row key={i}>
                <Table.Cell>{r.name}</Table.Cell>
                <Table.Cell>{words(r.role)}</Table.Cell>
                <Table.Cell>{words(r.category)}</Table.Cell>
                <Table.Cell>{r.organisation ?? '—'}</Table.Cell>
                <Table.Cell>{r.description}</Table.Cell>
                <Table.Cell>{r.startsOn}</Table.Cell>
                <Table.Cell>{r.endsOn ?? '—'}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </>
  );
}
