import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Button, SummaryList, Table, TextInput } from 'nhsuk-react-components';
import { qs, type Page } from '../api';
import { Loading, ProblemSummary, Section, StatusTag } from '../components';
import { useApi } from '../use-api';
import { london, pounds, words } from '../time';

interface Provider {
  name: string;
  address: { streetAddress: string; locality: string; postalCode: string } | null;
  odsCode: string | null;
  companiesHouseNumber: string | null;
}
export interface DecisionRecord {
  caseId: string;
  ocid: string;
  consortium: { id: string; name: string };
  service: { title: string; name: string; description: string | null; cpvCode: string | null };
  route: string | null;
  routeRationale: string | null;
  decisionMakers: { name: string; role: string; decisions: string[] }[];
  conflicts: {
    person: string;
    kind: string;
    interest: string | null;
    organisation: string | null;
    mitigation: string | null;
    reviewedBy: string | null;
  }[];
  criteria: { key: string; weight: number }[];
  bids?: { received: number };
  result: { status: string; awardees?: Provider[]; value?: { amount: number; currency: string }; decidedAt: string };
  representations: { lodgedAt: string; outcome: string }[];
  links: { notices: { id: string; type: string; publishedAt: string; href: string }[]; auditVerification: string };
}
interface Summary {
  year: number;
  contracts: number;
  contractsPerRoute: Record<string, number>;
  newProviders: { name: string }[];
  providersNoLongerContracted: { name: string }[];
  representations: { received: number; upheld: number; notUpheld: number; open: number };
}

/** The public register of procurement decisions and the year's summary (PSR regulations 24 and 25). */
export function DecisionsRegisterPage() {
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [applied, setApplied] = useState(year);
  const records = useApi<Page<DecisionRecord>>(`/registers/decisions${qs({ year: applied, limit: 100 })}`);
  const summary = useApi<Summary>(`/registers/decisions/summary${qs({ year: applied })}`);
  return (
    <>
      <h1 className="nhsuk-heading-l">Register of procurement decisions</h1>
      <form
        noValidate
        aria-label="Choose a year"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(year);
        }}
      >
        <TextInput
          id="year"
          label="Year"
          inputMode="numeric"
          width={4}
          value={year}
          onChange={(e) => setYear(e.target.value)}
        />
        <Button type="submit" secondary>
          Show the year
        </Button>
      </form>
      <ProblemSummary problem={records.error ?? summary.error} />
      {summary.data && (
        <Section title={`Annual summary ${summary.data.year}`} id="summary">
          <SummaryList>
            <SummaryList.Row>
              <SummaryList.Key>Contracts awarded</SummaryList.Key>
              <SummaryList.Value>{summary.data.contracts}</SummaryList.Value>
            </SummaryList.Row>
            {Object.entries(summary.data.contractsPerRoute).map(([route, n]) => (
              <SummaryList.Row key={route}>
                <SummaryList.Key>{words(route)}</SummaryList.Key>
                <SummaryList.Value>{n}</SummaryList.Value>
              </SummaryList.Row>
            ))}
            <SummaryList.Row>
              <SummaryList.Key>New providers</SummaryList.Key>
              <SummaryList.Value>{summary.data.newProviders.map((p) => p.name).join(', ') || 'none'}</SummaryList.Value>
            </SummaryList.Row>
            <SummaryList.Row>
              <SummaryList.Key>Providers no longer contracted</SummaryList.Key>
              <SummaryList.Value>
                {summary.data.providersNoLongerContracted.map((p) => p.name).join(', ') || 'none'}
              </SummaryList.Value>
            </SummaryList.Row>
            <SummaryList.Row>
              <SummaryList.Key>Representations</SummaryList.Key>
              <SummaryList.Value>
                {summary.data.representations.received} received, {summary.data.representations.upheld} upheld
              </SummaryList.Value>
            </SummaryList.Row>
          </SummaryList>
        </Section>
      )}
      {records.loading ? (
        <Loading what="decisions" />
      ) : (
        <Table caption="Decisions" responsive>
          <Table.Head>
            <Table.Row>
              <Table.Cell>Service</Table.Cell>
              <Table.Cell>Consortium</Table.Cell>
              <Table.Cell>Route</Table.Cell>
              <Table.Cell>Result</Table.Cell>
              <Table.Cell>Decided</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {(records.data?.items ?? []).map((r) => (
              <Table.Row key={r.caseId}>
                <Table.Cell>
                  <Link to={`/public/decisions/${r.caseId}`}>{r.service.title}</Link>
                </Table.Cell>
                <Table.Cell>{r.consortium.name}</Table.Cell>
                <Table.Cell>{r.route ? words(r.route) : '—'}</Table.Cell>
                <Table.Cell>
                  <StatusTag value={r.result.status} />
                </Table.Cell>
                <Table.Cell>{london(r.result.decidedAt)}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </>
  );
}

/** One decision: who decided, what conflicts there were and how they were handled, why this provider. */
export function DecisionRecordPage() {
  const { caseId } = useParams();
  const record = useApi<DecisionRecord>(`/registers/decisions/${caseId}`);
  if (!record.data) return record.loading ? <Loading what="the decision" /> : <ProblemSummary problem={record.error} />;
  const r = record.data;
  return (
    <>
      <span className="nhsuk-caption-l">{r.consortium.name}</span>
      <h1 className="nhsuk-heading-l">{r.service.title}</h1>
      <SummaryList>
        <SummaryList.Row>
          <SummaryList.Key>Reference</SummaryList.Key>
          <SummaryList.Value>{r.ocid}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Service</SummaryList.Key>
          <SummaryList.Value>
            {r.service.name}
            {r.service.cpvCode ? ` (CPV ${r.service.cpvCode})` : ''}
          </SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Route</SummaryList.Key>
          <SummaryList.Value>
            {r.route ? words(r.route) : '—'}
            {r.routeRationale ? `: ${r.routeRationale}` : ''}
          </SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Result</SummaryList.Key>
          <SummaryList.Value>
            <StatusTag value={r.result.status} /> {london(r.result.decidedAt)}
            {r.result.awardees?.length ? ` — ${r.result.awardees.map((a) => a.name).join(', ')}` : ''}
            {r.result.value ? `, ${pounds(r.result.value)} over the contract` : ''}
          </SummaryList.Value>
        </SummaryList.Row>
        {r.bids && (
          <SummaryList.Row>
            <SummaryList.Key>Bids received</SummaryList.Key>
            <SummaryList.Value>{r.bids.received}</SummaryList.Value>
          </SummaryList.Row>
        )}
      </SummaryList>
      <Section title="Who decided" id="decision-makers">
        <ul className="nhsuk-list nhsuk-list--bullet">
          {r.decisionMakers.map((d, i) => (
            <li key={i}>
              {d.name} ({words(d.role)}): {d.decisions.map(words).join(', ')}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Conflicts of interest and how they were managed" id="conflicts">
        <Table caption="Declared and detected conflicts of the panel">
          <Table.Head>
            <Table.Row>
              <Table.Cell>Person</Table.Cell>
              <Table.Cell>Interest</Table.Cell>
              <Table.Cell>Mitigation</Table.Cell>
              <Table.Cell>Reviewed by</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {r.conflicts.map((c, i) => (
              <Table.Row key={i}>
                <Table.Cell>{c.person}</Table.Cell>
                <Table.Cell>
                  {words(c.kind)}
                  {c.interest ? `: ${c.interest}` : ''}
                  {c.organisation ? ` (${c.organisation})` : ''}
                </Table.Cell>
                <Table.Cell>{c.mitigation ? words(c.mitigation) : '—'}</Table.Cell>
                <Table.Cell>{c.reviewedBy ?? '—'}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      </Section>
      {r.criteria.length > 0 && (
        <Section title="Key criteria" id="criteria">
          <ul className="nhsuk-list">
            {r.criteria.map((c) => (
              <li key={c.key}>
                {words(c.key)}: {c.weight}%
              </li>
            ))}
          </ul>
        </Section>
      )}
      <Section title="Notices" id="notices">
        <ul className="nhsuk-list">
          {r.links.notices.map((n) => (
            <li key={n.id}>
              <Link to={`/public/notices/${n.id}`}>
                {words(n.type)}, {london(n.publishedAt)}
              </Link>
            </li>
          ))}
        </ul>
        {r.representations.length > 0 && (
          <p className="nhsuk-body">
            Representations: {r.representations.map((x) => `${london(x.lodgedAt)} (${words(x.outcome)})`).join('; ')}
          </p>
        )}
      </Section>
    </>
  );
}
