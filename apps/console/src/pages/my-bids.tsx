import { useState } from 'react';
import { Link, Navigate } from 'react-router-dom';
import { Button, Card, SummaryList, Table, Textarea } from 'nhsuk-react-components';
import { api, ApiProblem, type Page } from '../api';
import { Loading, ProblemSummary, StatusTag } from '../components';
import { useApi } from '../use-api';
import { useSession } from '../session';
import { london, pounds, words } from '../time';
import type { Bid } from './tenders';

interface DebriefScores {
  criteria: { key: string; weight: number; score: number | null; weightedScore: number | null }[];
  weightedScore: number | null;
}
interface Debrief {
  awardees: { name: string }[];
  ownScores: DebriefScores;
  awardeeScores: DebriefScores;
  ownRank: number | null;
  bids: number;
  standstillEndsAt: string | null;
  representationsTo: string;
}
interface MyBid extends Bid {
  tender: { caseId: string; title: string; serviceName: string; status: string; closesAt: string | null };
  caseState: string;
  outcome: string;
  standstillEndsAt: string | null;
  opened?: { sha256: string; at: string } | null;
  receipt?: { sha256: string; submittedAt: string } | null;
  debrief?: Debrief | null;
  representations: { id: string; text: string; status: string; lodgedAt: string; response: string | null }[];
}

const num = (v: number | null) => (v === null ? '—' : String(Math.round(v * 100) / 100));

/** The provider's bids across tenders: status, the opened receipt, the debrief and representations. */
export function MyBidsPage() {
  const { person, loading } = useSession();
  const bids = useApi<Page<MyBid>>(person ? '/bids?limit=100' : null);
  if (loading) return <Loading what="your session" />;
  if (!person) return <Navigate to="/sign-in" replace />;
  return (
    <>
      <h1 className="nhsuk-heading-l">My bids</h1>
      <ProblemSummary problem={bids.error} />
      {bids.loading && <Loading what="your bids" />}
      {(bids.data?.items ?? []).length === 0 && !bids.loading && (
        <p className="nhsuk-body">
          You have not bid yet. See the <Link to="/tenders">open tenders</Link>.
        </p>
      )}
      {(bids.data?.items ?? []).map((b) => (
        <Card key={b.id}>
          <>
            <Card.Heading>{b.tender.title}</Card.Heading>
            <SummaryList>
              <SummaryList.Row>
                <SummaryList.Key>Outcome</SummaryList.Key>
                <SummaryList.Value>
                  <StatusTag value={b.outcome} /> (case {words(b.caseState)})
                </SummaryList.Value>
              </SummaryList.Row>
              <SummaryList.Row>
                <SummaryList.Key>Price</SummaryList.Key>
                <SummaryList.Value>{pounds(b.price)} a year</SummaryList.Value>
              </SummaryList.Row>
              {b.receipt && (
                <SummaryList.Row>
                  <SummaryList.Key>Receipt (SHA-256)</SummaryList.Key>
                  <SummaryList.Value>
                    <code>{b.receipt.sha256}</code>
                  </SummaryList.Value>
                </SummaryList.Row>
              )}
              {b.opened && (
                <SummaryList.Row>
                  <SummaryList.Key>Opened</SummaryList.Key>
                  <SummaryList.Value>
                    {london(b.opened.at)}:{' '}
                    {b.receipt && b.opened.sha256 === b.receipt.sha256
                      ? 'the bid opened is the bid you sealed'
                      : `opened as ${b.opened.sha256}`}
                  </SummaryList.Value>
                </SummaryList.Row>
              )}
            </SummaryList>
            {b.debrief && (
              <>
                <h3 className="nhsuk-heading-s">Debrief</h3>
                <p className="nhsuk-body">
                  Awarded to {b.debrief.awardees.map((a) => a.name).join(', ')}. Your bid ranked{' '}
                  {b.debrief.ownRank ?? '—'} of {b.debrief.bids}. Standstill ends {london(b.debrief.standstillEndsAt)}.
                </p>
                <Table caption="Your scores and the awardee's, per criterion (weighted)">
                  <Table.Head>
                    <Table.Row>
                      <Table.Cell>Criterion</Table.Cell>
                      <Table.Cell>Weight</Table.Cell>
                      <Table.Cell>Your score (weighted)</Table.Cell>
                      <Table.Cell>Awardee's score (weighted)</Table.Cell>
                    </Table.Row>
                  </Table.Head>
                  <Table.Body>
                    {b.debrief.ownScores.criteria.map((c) => {
                      const theirs = b.debrief!.awardeeScores.criteria.find((x) => x.key === c.key);
                      return (
                        <Table.Row key={c.key}>
                          <Table.Cell>{words(c.key)}</Table.Cell>
                          <Table.Cell>{c.weight}%</Table.Cell>
                          <Table.Cell>
                            {num(c.score)} ({num(c.weightedScore)})
                          </Table.Cell>
                          <Table.Cell>
                            {num(theirs?.score ?? null)} ({num(theirs?.weightedScore ?? null)})
                          </Table.Cell>
                        </Table.Row>
                      );
                    })}
                    <Table.Row>
                      <Table.Cell>Total</Table.Cell>
                      <Table.Cell>100%</Table.Cell>
                      <Table.Cell>{num(b.debrief.ownScores.weightedScore)}</Table.Cell>
                      <Table.Cell>{num(b.debrief.awardeeScores.weightedScore)}</Table.Cell>
                    </Table.Row>
                  </Table.Body>
                </Table>
              </>
            )}
            {b.representations.map((r) => (
              <p key={r.id} className="nhsuk-body">
                Representation of {london(r.lodgedAt)}: <StatusTag value={r.status} /> {r.response ?? ''}
              </p>
            ))}
            {b.caseState === 'standstill' && <Representation caseId={b.caseId} onDone={bids.reload} />}
          </>
        </Card>
      ))}
    </>
  );
}

function Representation({ caseId, onDone }: { caseId: string; onDone: () => Promise<void> }) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  return (
    <form
      noValidate
      aria-label="Make a representation"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.post(`/cases/${caseId}/representations`, { text });
          setText('');
          await onDone();
        } catch (err) {
          setProblem(err as ApiProblem);
        }
      }}
    >
      <ProblemSummary problem={problem} fieldIds={{ text: `representation-${caseId}` }} />
      <Textarea
        id={`representation-${caseId}`}
        label="Make a representation about this decision"
        hint="A governance officer reviews it; the standstill pauses meanwhile."
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <Button type="submit" secondary>
        Send representation
      </Button>
    </form>
  );
}
