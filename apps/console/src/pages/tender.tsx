import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useParams } from 'react-router-dom';
import { Button, InsetText, SummaryList, Textarea, TextInput } from 'nhsuk-react-components';
import { api, ApiProblem } from '../api';
import { Loading, ProblemSummary, Section, StatusTag } from '../components';
import { useApi } from '../use-api';
import { useSession } from '../session';
import { london, pounds, words } from '../time';
import type { Bid, Tender } from './tenders';

/** A tender as a provider sees it: the specification, the answered questions, and its own sealed bid. */
export function TenderPage() {
  const { caseId } = useParams();
  const { person, loading } = useSession();
  const tender = useApi<Tender>(person ? `/tenders/${caseId}` : null);
  if (loading) return <Loading what="your session" />;
  if (!person) return <Navigate to="/sign-in" replace />;
  if (!tender.data) return tender.loading ? <Loading what="the tender" /> : <ProblemSummary problem={tender.error} />;
  const t = tender.data;
  const provider = person.roles.includes('provider');
  return (
    <>
      <span className="nhsuk-caption-l">{t.serviceName}</span>
      <h1 className="nhsuk-heading-l">{t.title}</h1>
      <SummaryList>
        <SummaryList.Row>
          <SummaryList.Key>Status</SummaryList.Key>
          <SummaryList.Value>
            <StatusTag value={t.status} />
          </SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Closes</SummaryList.Key>
          <SummaryList.Value>{london(t.tenderPeriod.endDate)}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Questions close</SummaryList.Key>
          <SummaryList.Value>{london(t.clarificationDeadline)}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Award criteria</SummaryList.Key>
          <SummaryList.Value>
            <ul className="nhsuk-list">
              {t.criteria.map((c) => (
                <li key={c.key}>
                  {words(c.key)}: {c.weight}%
                </li>
              ))}
            </ul>
          </SummaryList.Value>
        </SummaryList.Row>
      </SummaryList>
      {t.description && (
        <Section title="Specification" id="specification">
          <p className="nhsuk-body" style={{ whiteSpace: 'pre-wrap' }}>
            {t.description}
          </p>
        </Section>
      )}
      {t.documents && t.documents.length > 0 && (
        <Section title="Tender documents" id="documents">
          <ul className="nhsuk-list">
            {t.documents.map((d) => (
              <li key={d.id}>
                <a href={`/api/v1/documents/${d.id}/content`} download>
                  {d.title} ({d.fileName}, {Math.ceil(d.size / 1024)} KB)
                </a>
              </li>
            ))}
          </ul>
        </Section>
      )}
      <Section title="Clarification questions" id="questions">
        {t.questions.length === 0 ? (
          <p className="nhsuk-body">No questions answered yet.</p>
        ) : (
          t.questions.map((q) => (
            <InsetText key={q.id}>
              <p className="nhsuk-body">
                <strong>Question:</strong> {q.text}
              </p>
              <p className="nhsuk-body">
                <strong>Answer:</strong> {q.answer ?? 'not answered yet'}
              </p>
            </InsetText>
          ))
        )}
        {provider && t.acceptingBids && <AskQuestion caseId={t.caseId} onDone={tender.reload} />}
      </Section>
      {provider && (
        <Section title="Your bid" id="bid">
          <BidForm tender={t} onDone={tender.reload} />
        </Section>
      )}
    </>
  );
}

function AskQuestion({ caseId, onDone }: { caseId: string; onDone: () => Promise<void> }) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sent, setSent] = useState(false);
  return (
    <form
      noValidate
      aria-label="Ask a question"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.post(`/tenders/${caseId}/questions`, { text });
          setText('');
          setSent(true);
          setProblem(null);
          await onDone();
        } catch (err) {
          setProblem(err as ApiProblem);
        }
      }}
    >
      <ProblemSummary problem={problem} fieldIds={{ text: 'question-text' }} />
      {sent && (
        <p className="nhsuk-body">Your question was sent. Answers are shown to every provider without your name.</p>
      )}
      <Textarea
        id="question-text"
        label="Ask a clarification question"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <Button type="submit" secondary>
        Send question
      </Button>
    </form>
  );
}

/** Submit, revise or withdraw the organisation's sealed bid while the tender accepts bids. */
function BidForm({ tender, onDone }: { tender: Tender; onDone: () => Promise<void> }) {
  const bid = tender.myBid;
  const [price, setPrice] = useState(bid ? String(bid.price.amount) : '');
  const [responses, setResponses] = useState<Record<string, string>>(bid?.responses ?? {});
  const [files, setFiles] = useState<FileList | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState<Bid | null>(null);
  useEffect(() => {
    if (bid) setPrice(String(bid.price.amount));
  }, [bid]);
  if (!tender.acceptingBids) {
    return bid ? (
      <p className="nhsuk-body">
        Your bid of {pounds(bid.price)} (revision {bid.revision}) is sealed. Follow it under{' '}
        <a href="/console/bids">My bids</a>.
      </p>
    ) : (
      <p className="nhsuk-body">This tender no longer accepts bids.</p>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const body = { price: { amount: Number(price), currency: 'GBP' }, responses };
      const out = bid
        ? await api.put<Bid>(`/tenders/${tender.caseId}/bids/${bid.id}`, body)
        : await api.post<Bid>(`/tenders/${tender.caseId}/bids`, body);
      for (const f of Array.from(files ?? [])) {
        const form = new FormData();
        form.set('file', f);
        form.set('title', f.name);
        form.set('documentType', 'submissionDocuments');
        await api.post(`/tenders/${tender.caseId}/bids/${out.id}/documents`, form);
      }
      setSaved(out);
      setProblem(null);
      await onDone();
    } catch (err) {
      setProblem(err as ApiProblem);
    }
  };
  const ids: Record<string, string> = { price: 'bid-price', 'price.amount': 'bid-price' };
  for (const c of tender.criteria) ids[`responses.${c.key}`] = `bid-${c.key}`;
  return (
    <>
      <form noValidate onSubmit={submit} aria-label="Your bid">
        <ProblemSummary problem={problem} fieldIds={ids} />
        {saved && (
          <p className="nhsuk-body" role="status">
            Bid saved (revision {saved.revision}). It stays sealed until the tender closes.
          </p>
        )}
        <TextInput
          id="bid-price"
          label="Annual price (£)"
          inputMode="decimal"
          width={10}
          value={price}
          onChange={(e) => setPrice(e.target.value)}
        />
        {tender.criteria.map((c) => (
          <Textarea
            key={c.key}
            id={`bid-${c.key}`}
            label={`${words(c.key)} (${c.weight}%)`}
            value={responses[c.key] ?? ''}
            onChange={(e) => setResponses({ ...responses, [c.key]: e.target.value })}
          />
        ))}
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="bid-files">
            Attachments (method statement, pricing schedule)
          </label>
          <input
            className="nhsuk-file-upload"
            id="bid-files"
            type="file"
            multiple
            onChange={(e) => setFiles(e.target.files)}
          />
        </div>
        <Button type="submit">{bid ? 'Revise bid' : 'Submit bid'}</Button>
      </form>
      {bid && <WithdrawBid caseId={tender.caseId} bidId={bid.id} onDone={onDone} />}
    </>
  );
}

function WithdrawBid({ caseId, bidId, onDone }: { caseId: string; bidId: string; onDone: () => Promise<void> }) {
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  return (
    <form
      noValidate
      aria-label="Withdraw your bid"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.post(`/tenders/${caseId}/bids/${bidId}/withdraw`);
          await onDone();
        } catch (err) {
          setProblem(err as ApiProblem);
        }
      }}
    >
      <ProblemSummary problem={problem} />
      <Button type="submit" warning secondary>
        Withdraw bid
      </Button>
    </form>
  );
}
