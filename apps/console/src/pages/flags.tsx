import { useState } from 'react';
import { Link, Navigate } from 'react-router-dom';
import { Button, Select, Table } from 'nhsuk-react-components';
import { qs, type Page } from '../api';
import { Loading, ProblemSummary, StatusTag } from '../components';
import { useApi } from '../use-api';
import { useSession } from '../session';
import { london, words } from '../time';

interface FlagRow {
  id: string;
  caseId: string;
  code: string;
  severity: string;
  status: string;
  createdAt: string;
  caseState?: string;
}

const CODES = [
  'MEMBER_PRACTICE_AWARD',
  'CONFLICTED_PARTICIPANT',
  'UNDECLARED_AFFILIATION',
  'NOT_TOP_RANKED',
  'SCORING_BIAS',
  'SINGLE_BID',
  'AWARD_CONCENTRATION',
  'DEADLINE_BREACH',
];

/** Governance's flag queue across cases, filtered by status, code, severity and consortium. */
export function FlagsPage() {
  const { person, loading } = useSession();
  const [filters, setFilters] = useState({ status: 'open', code: '', severity: '', consortiumId: '' });
  const [applied, setApplied] = useState(filters);
  const flags = useApi<Page<FlagRow>>(
    person
      ? `/flags${qs({ status: applied.status, code: applied.code, consortiumId: applied.consortiumId, limit: 200 })}`
      : null,
  );
  if (loading) return <Loading what="your session" />;
  if (!person) return <Navigate to="/sign-in" replace />;
  // the API filters by status, code and consortium; severity follows from the code's table
  const rows = (flags.data?.items ?? []).filter((f) => !applied.severity || f.severity === applied.severity);
  return (
    <>
      <h1 className="nhsuk-heading-l">Flag queue</h1>
      <form
        noValidate
        aria-label="Filter flags"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filters);
        }}
      >
        <Select
          id="flag-status"
          label="Status"
          value={filters.status}
          onChange={(e) => setFilters({ ...filters, status: e.target.value })}
        >
          <Select.Option value="">Any</Select.Option>
          {['open', 'accepted', 'upheld', 'superseded'].map((s) => (
            <Select.Option key={s} value={s}>
              {words(s)}
            </Select.Option>
          ))}
        </Select>
        <Select
          id="flag-code"
          label="Code"
          value={filters.code}
          onChange={(e) => setFilters({ ...filters, code: e.target.value })}
        >
          <Select.Option value="">Any code</Select.Option>
          {CODES.map((c) => (
            <Select.Option key={c} value={c}>
              {words(c)}
            </Select.Option>
          ))}
        </Select>
        <Select
          id="flag-severity"
          label="Severity"
          value={filters.severity}
          onChange={(e) => setFilters({ ...filters, severity: e.target.value })}
        >
          <Select.Option value="">Any</Select.Option>
          <Select.Option value="blocking">Blocking</Select.Option>
          <Select.Option value="advisory">Advisory</Select.Option>
        </Select>
        <Button type="submit" secondary>
          Apply filters
        </Button>
      </form>
      <ProblemSummary problem={flags.error} />
      {flags.loading ? (
        <Loading what="flags" />
      ) : (
        <Table caption="Flags" responsive>
          <Table.Head>
            <Table.Row>
              <Table.Cell>Flag</Table.Cell>
              <Table.Cell>Severity</Table.Cell>
              <Table.Cell>Status</Table.Cell>
              <Table.Cell>Raised</Table.Cell>
              <Table.Cell>Case</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {rows.map((f) => (
              <Table.Row key={f.id}>
                <Table.Cell>{words(f.code)}</Table.Cell>
                <Table.Cell>
                  <StatusTag value={f.severity} />
                </Table.Cell>
                <Table.Cell>
                  <StatusTag value={f.status} />
                </Table.Cell>
                <Table.Cell>{london(f.createdAt)}</Table.Cell>
                <Table.Cell>
                  <Link to={`/cases/${f.caseId}#flags`}>
                    Open the case{f.caseState ? ` (${words(f.caseState)})` : ''}
                  </Link>
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </>
  );
}
