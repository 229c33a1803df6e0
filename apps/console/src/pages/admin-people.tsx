import { useState } from 'react';
import { Navigate } from 'react-router-dom';
import { Button, Checkboxes, Table } from 'nhsuk-react-components';
import { api, ApiProblem, type Page } from '../api';
import { Loading, ProblemSummary } from '../components';
import { useApi } from '../use-api';
import { hasRole, useSession } from '../session';

interface PersonRow {
  id: string;
  name: string;
  email: string;
  roles: string[];
  consortiumId: string | null;
  providerId: string | null;
}

/** Admins keep the directory: who holds which role. The queue dashboard opens with the same session. */
export function AdminPeoplePage() {
  const { person, loading } = useSession();
  const people = useApi<Page<PersonRow>>(person ? '/people?limit=200' : null);
  if (loading) return <Loading what="your session" />;
  if (!person) return <Navigate to="/sign-in" replace />;
  return (
    <>
      <h1 className="nhsuk-heading-l">Directory</h1>
      {hasRole(person, 'admin') && (
        <p className="nhsuk-body">
          <a href="/admin/queues">Open the queue dashboard</a> (deadlines, award checks and other background jobs).
        </p>
      )}
      <ProblemSummary problem={people.error} />
      {people.loading ? (
        <Loading what="people" />
      ) : (
        <Table caption="People and their roles" responsive>
          <Table.Head>
            <Table.Row>
              <Table.Cell>Name</Table.Cell>
              <Table.Cell>Email</Table.Cell>
              <Table.Cell>Roles</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {(people.data?.items ?? []).map((p) => (
              <Table.Row key={p.id}>
                <Table.Cell>{p.name}</Table.Cell>
                <Table.Cell>{p.email}</Table.Cell>
                <Table.Cell>
                  {hasRole(person, 'admin') ? <RolesForm p={p} onDone={people.reload} /> : p.roles.join(', ')}
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </>
  );
}

function RolesForm({ p, onDone }: { p: PersonRow; onDone: () => Promise<void> }) {
  const [roles, setRoles] = useState(p.roles);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const offered = p.providerId ? ['provider'] : ['commissioner', 'governance'];
  return (
    <form
      noValidate
      aria-label={`Roles of ${p.name}`}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.patch(`/people/${p.id}`, { roles });
          setProblem(null);
          await onDone();
        } catch (err) {
          setProblem(err as ApiProblem);
        }
      }}
    >
      <ProblemSummary problem={problem} fieldIds={{ roles: `roles-${p.id}` }} />
      <Checkboxes
        id={`roles-${p.id}`}
        name={`roles-${p.id}`}
        legend={`Roles of ${p.name}`}
        legendProps={{ className: 'nhsuk-u-visually-hidden' }}
        small
      >
        {offered.map((r) => (
          <Checkboxes.Item
            key={r}
            value={r}
            checked={roles.includes(r)}
            onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))}
          >
            {r}
          </Checkboxes.Item>
        ))}
      </Checkboxes>
      <Button type="submit" small secondary>
        Save roles
      </Button>
    </form>
  );
}
