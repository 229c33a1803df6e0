import { useState } from 'react';
import { Button, InsetText, Select, Table, Textarea, TextInput } from 'nhsuk-react-components';
import { api, ApiProblem, type Page } from '../api';
import { ProblemSummary, Section, StatusTag } from '../components';
import { useApi } from '../use-api';
import { london, pounds, words } from '../time';
import type { Bid, Tender } from './tenders';

type ListOf<T> = Page<T> | T[];
const itemsOf = <T,>(l: ListOf<T> | null): T[] => (!l ? [] : Array.isArray(l) ? l : l.items);

/** The tender side of a case page: questions to answer, bids and scores after close, representations. */
export function CaseTenderParts(props: {
  caseId: string;
  state: string;
  version: number;
  commissioner: boolean;
  governance: boolean;
  evaluator: boolean;
  /** names of the panel, for the evaluation matrix */
  names: Record<string, string>;
  onDone: () => Promise<void>;
}) {
  const tender = useApi<Tender>(`/tenders/${props.caseId}`, props.version);
  const closed = ['evaluation', 'award_checks', 'governance_review', 'standstill', 'awarded'].includes(props.state);
  const bids = useApi<ListOf<Bid>>(
    closed && (props.commissioner || props.governance || props.evaluator) ? `/tenders/${props.caseId}/bids` : null,
    props.version,
  );
  const reps = useApi<ListOf<Representation>>(
    props.governance || props.commissioner ? `/cases/${props.caseId}/representations` : null,
    props.version,
  );
  const done = async () => {
    await props.onDone();
    await tender.reload();
  };
  if (!tender.data) return null;
  const t = tender.data;
  return (
    <>
      <Section title="Clarification questions" id="questions">
        {t.questions.length === 0 && <p className="nhsuk-body">No questions asked.</p>}
        {t.questions.map((q) => (
          <InsetText key={q.id}>
            <p className="nhsuk-body">
              <strong>Question ({london(q.askedAt)}):</strong> {q.text}
            </p>
            {q.answer ? (
              <p className="nhsuk-body">
                <strong>Answer:</strong> {q.answer}
              </p>
            ) : props.commissioner ? (
              <Answer caseId={props.caseId} questionId={q.id} onDone={done} />
            ) : (
              <p className="nhsuk-body">Not answered yet.</p>
            )}
          </InsetText>
        ))}
      </Section>
      {closed && itemsOf(bids.data).length > 0 && (
        <Section title="Bids and scoring" id="evaluation">
          <ProblemSummary problem={bids.error} />
          {itemsOf(bids.data)
            .filter((b) => !b.withdrawnAt)
            .map((b) => (
              <div key={b.id} className="nhsuk-card">
                <div className="nhsuk-card__content">
                  <h3 className="nhsuk-card__heading nhsuk-heading-s">
                    {b.providerName}: {pounds(b.price)} a year
                  </h3>
                  <Table caption={`Responses of ${b.providerName}`}>
                    <Table.Body>
                      {t.criteria.map((c) => (
                        <Table.Row key={c.key}>
                          <Table.Cell>{words(c.key)}</Table.Cell>
                          <Table.Cell>{b.responses[c.key]}</Table.Cell>
                        </Table.Row>
                      ))}
                    </Table.Body>
                  </Table>
                  {(props.commissioner || props.governance || props.evaluator) && (
                    <ScoreMatrix
                      caseId={props.caseId}
                      bid={b}
                      criteria={t.criteria}
                      names={props.names}
                      version={props.version}
                    />
                  )}
                  {props.evaluator && props.state === 'evaluation' && (
                    <ScoreForm caseId={props.caseId} bid={b} criteria={t.criteria} onDone={done} />
                  )}
                </div>
              </div>
            ))}
        </Section>
      )}
      {itemsOf(reps.data).length > 0 && (
        <Section title="Representations" id="representations">
          {itemsOf(reps.data).map((r) => (
            <InsetText key={r.id}>
              <p className="nhsuk-body">
                {london(r.lodgedAt)} <StatusTag value={r.status} />
              </p>
              <p className="nhsuk-body">{r.text}</p>
              {r.response && <p className="nhsuk-body">Response: {r.response}</p>}
              {props.governance && r.status === 'open' && <Resolve caseId={props.caseId} rep={r} onDone={done} />}
            </InsetText>
          ))}
        </Section>
      )}
    </>
  );
}

interface Score {
  evaluatorId: string;
  scores: Record<string, number>;
  comment: string;
  at: string;
}

/** Scores per evaluator and criterion for one bid: the evaluation matrix (whoever may see scores). */
function ScoreMatrix(props: {
  caseId: string;
  bid: Bid;
  criteria: { key: string; weight: number }[];
  names: Record<string, string>;
  version: number;
}) {
  const scores = useApi<Page<Score>>(`/tenders/${props.caseId}/bids/${props.bid.id}/scores`, props.version);
  const items = scores.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Table caption={`Scores for ${props.bid.providerName}, per evaluator and criterion`} responsive>
      <Table.Head>
        <Table.Row>
          <Table.Cell>Evaluator</Table.Cell>
          {props.criteria.map((c) => (
            <Table.Cell key={c.key}>
              {words(c.key)} ({c.weight}%)
            </Table.Cell>
          ))}
          <Table.Cell>Comment</Table.Cell>
        </Table.Row>
      </Table.Head>
      <Table.Body>
        {items.map((sc) => (
          <Table.Row key={sc.evaluatorId}>
            <Table.Cell>{props.names[sc.evaluatorId] ?? sc.evaluatorId}</Table.Cell>
            {props.criteria.map((c) => (
              <Table.Cell key={c.key}>{sc.scores[c.key] ?? '—'}</Table.Cell>
            ))}
            <Table.Cell>{sc.comment}</Table.Cell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  );
}

interface Representation {
  id: string;
  text: string;
  status: string;
  lodgedAt: string;
  response: string | null;
}

function Answer({ caseId, questionId, onDone }: { caseId: string; questionId: string; onDone: () => Promise<void> }) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  return (
    <form
      noValidate
      aria-label="Answer the question"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.post(`/tenders/${caseId}/questions/${questionId}/answer`, { text });
          await onDone();
        } catch (err) {
          setProblem(err as ApiProblem);
        }
      }}
    >
      <ProblemSummary problem={problem} fieldIds={{ text: `answer-${questionId}` }} />
      <Textarea
        id={`answer-${questionId}`}
        label="Answer (shown to every provider)"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <Button type="submit" secondary>
        Publish answer
      </Button>
    </form>
  );
}

function ScoreForm(props: {
  caseId: string;
  bid: Bid;
  criteria: { key: string; weight: number }[];
  onDone: () => Promise<void>;
}) {
  const [scores, setScores] = useState<Record<string, string>>({});
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState(false);
  const id = (k: string) => `score-${props.bid.id}-${k}`;
  return (
    <form
      noValidate
      aria-label={`Score the bid of ${props.bid.providerName}`}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.post(`/tenders/${props.caseId}/bids/${props.bid.id}/scores`, {
            scores: Object.fromEntries(props.criteria.map((c) => [c.key, Number(scores[c.key])])),
            comment,
          });
          setSaved(true);
          setProblem(null);
          await props.onDone();
        } catch (err) {
          setProblem(err as ApiProblem);
        }
      }}
    >
      <ProblemSummary
        problem={problem}
        fieldIds={Object.fromEntries(props.criteria.map((c) => [`scores.${c.key}`, id(c.key)]))}
      />
      {saved && (
        <p className="nhsuk-body" role="status">
          Scores recorded.
        </p>
      )}
      {props.criteria.map((c) => (
        <TextInput
          key={c.key}
          id={id(c.key)}
          label={`${words(c.key)} (0 to 10)`}
          inputMode="numeric"
          width={2}
          value={scores[c.key] ?? ''}
          onChange={(e) => setScores({ ...scores, [c.key]: e.target.value })}
        />
      ))}
      <Textarea
        id={`comment-${props.bid.id}`}
        label="Comment"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <Button type="submit" secondary>
        Record scores
      </Button>
    </form>
  );
}

function Resolve({ caseId, rep, onDone }: { caseId: string; rep: Representation; onDone: () => Promise<void> }) {
  const [outcome, setOutcome] = useState('');
  const [response, setResponse] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  return (
    <form
      noValidate
      aria-label="Resolve the representation"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.post(`/cases/${caseId}/representations/${rep.id}/resolve`, { outcome, response });
          await onDone();
        } catch (err) {
          setProblem(err as ApiProblem);
        }
      }}
    >
      <ProblemSummary problem={problem} fieldIds={{ outcome: `outcome-${rep.id}`, response: `response-${rep.id}` }} />
      <Select id={`outcome-${rep.id}`} label="Outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
        <Select.Option value="">Choose</Select.Option>
        <Select.Option value="not_upheld">Not upheld (standstill resumes)</Select.Option>
        <Select.Option value="upheld">Upheld (the decision goes back)</Select.Option>
      </Select>
      <Textarea
        id={`response-${rep.id}`}
        label="Response"
        value={response}
        onChange={(e) => setResponse(e.target.value)}
      />
      <Button type="submit">Resolve</Button>
    </form>
  );
}
