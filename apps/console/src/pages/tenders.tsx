import { Link, Navigate } from 'react-router-dom';
import { Table } from 'nhsuk-react-components';
import type { Page } from '../api';
import { Loading, ProblemSummary, StatusTag } from '../components';
import { useApi } from '../use-api';
import { useSession } from '../session';
import { london } from '../time';

export interface Criterion {
  key: string;
  weight: number;
}
export interface Question {
  id: string;
  text: string;
  askedAt: string;
  answer: string | null;
  answeredAt: string | null;
}
export interface Bid {
  id: string;
  caseId: string;
  providerId: string;
  providerName: string;
  price: { amount: number; currency: string };
  responses: Record<string, string>;
  revision: number;
  submittedAt: string;
  withdrawnAt: string | null;
}
export interface Tender {
  caseId: string;
  ocid: string;
  title: string;
  serviceName: string;
  criteria: Criterion[];
  tenderPeriod: { startDate: string; endDate: string };
  clarificationDeadline: string | null;
  status: string;
  acceptingBids: boolean;
  questions: Question[];
  myBid: Bid | null;
  description?: string | null;
  documents?: { id: string; title: string; fileName: string; documentType: string; size: number }[];
}

/** Open tenders a provider can bid for. */
export function TendersPage() {
  const { person, loading } = useSession();
  const tenders = useApi<Page<Tender>>(person ? '/tenders?status=active&limit=100' : null);
  if (loading) return <Loading what="your session" />;
  if (!person) return <Navigate to="/sign-in" replace />;
  return (
    <>
      <h1 className="nhsuk-heading-l">Open tenders</h1>
      <ProblemSummary problem={tenders.error} />
      {tenders.loading ? (
        <Loading what="tenders" />
      ) : (tenders.data?.items ?? []).length === 0 ? (
        <p className="nhsuk-body">No tender is open at the moment.</p>
      ) : (
        <Table caption="Tenders accepting bids" responsive>
          <Table.Head>
            <Table.Row>
              <Table.Cell>Tender</Table.Cell>
              <Table.Cell>Service</Table.Cell>
              <Table.Cell>Closes (Europe/London)</Table.Cell>
              <Table.Cell>Status</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {(tenders.data?.items ?? []).map((t) => (
              <Table.Row key={t.caseId}>
                <Table.Cell>
                  <Link to={`/tenders/${t.caseId}`}>{t.title}</Link>
                </Table.Cell>
                <Table.Cell>{t.serviceName}</Table.Cell>
                <Table.Cell>{london(t.tenderPeriod.endDate)}</Table.Cell>
                <Table.Cell>
                  <StatusTag value={t.myBid ? 'bid submitted' : t.status} />
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </>
  );
}
