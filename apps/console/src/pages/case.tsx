import { lazy, Suspense, useState, type FormEvent, type ReactNode } from 'react';
import { Navigate, useParams } from 'react-router-dom';
import { Button, Select, SummaryList, Table, Textarea, TextInput } from 'nhsuk-react-components';
import { api, ApiProblem, type Page } from '../api';
import { Loading, ProblemSummary, Section, StatusTag } from '../components';
import { CaseTenderParts } from './case-tender';
import { CaseDocuments } from './case-documents';
import { DeclareForm } from './declare';
import { NoticeText, type Notice } from './public-notices';
import { useApi } from '../use-api';
import { hasRole, useSession } from '../session';
import { london, pounds, words } from '../time';

interface Money {
  amount: number;
  currency: string;
}
interface PanelMember {
  personId: string;
  name: string | null;
  mitigation: string | null;
  excludedFromDecision: boolean;
  excludedFromEvaluation: boolean;
  declared: boolean;
  reviewed: boolean;
  declarationId: string | null;
}
interface Declaration {
  id: string;
  personId: string;
  nilReturn: boolean;
  declaredAt: string;
  current: boolean;
  interests: { id: string; category: string; description: string }[];
  review: { mitigation: string; note: string | null; reviewedAt: string | null } | null;
}
interface Flag {
  id: string;
  code: string;
  severity: string;
  status: string;
  evidence: unknown;
  createdAt: string;
}
export interface CaseView {
  id: string;
  ocid: string;
  title: string;
  serviceName: string;
  consortiumId: string;
  fromSetting: string;
  toSetting: string;
  estimatedAnnualValue: Money;
  termMonths: number;
  track: string;
  route: string | null;
  state: string;
  stateValue: unknown;
  version: number;
  allowedEvents: string[];
  panel: PanelMember[];
  declarations: Declaration[];
  detectedConflicts: {
    personId: string;
    personName: string | null;
    providerName: string | null;
    relationship: string | null;
    source: string;
    declared: boolean;
  }[];
  deadlines: { kind: string; dueAt: string; status: string }[];
  flags: Flag[];
  ranking?: { bidId: string; providerId?: string; providerName?: string; weightedScore?: number; rank?: number }[];
  conflictCheck: { declarationsComplete: boolean; quorumMet?: boolean; reasons?: string[] } | null;
}
interface HistoryEntry {
  seq: number;
  at: string;
  actor: string;
  type: string;
  fromState: string | null;
  toState: string;
}

// the layout library is large: loaded only when a case page draws its diagram
const StatechartDiagram = lazy(() => import('../statechart-diagram').then((m) => ({ default: m.StatechartDiagram })));

/** ["standstill", "standstill.paused"] from {"standstill":"paused"}. */
export function statePaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [prefix + k, ...statePaths(v, `${prefix}${k}.`)]);
  return [];
}

/** The case page: where it stands, what may be done now, and everything that happened. */
export function CasePage() {
  const { id } = useParams();
  const { person, loading } = useSession();
  const view = useApi<CaseView>(person ? `/cases/${id}` : null);
  if (loading) return <Loading what="your session" />;
  if (!person) return <Navigate to="/sign-in" replace />;
  if (view.loading && !view.data) return <Loading what="the case" />;
  if (!view.data) return <ProblemSummary problem={view.error} />;
  const c = view.data;
  const governance = hasRole(person, 'governance');
  return (
    <>
      <span className="nhsuk-caption-l">{c.serviceName}</span>
      <h1 className="nhsuk-heading-l">{c.title}</h1>
      <ProblemSummary problem={view.error} />
      <Section title="Summary" id="summary">
        <SummaryList>
          <Row k="State">
            <StatusTag value={c.state} />
          </Row>
          <Row k="Reference">{c.ocid}</Row>
          <Row k="Route">{c.route ? words(c.route) : 'not decided'}</Row>
          <Row k="Track">{words(c.track)}</Row>
          <Row k="Moves">
            {words(c.fromSetting)} to {words(c.toSetting)} care
          </Row>
          <Row k="Estimated annual value">{pounds(c.estimatedAnnualValue)}</Row>
          <Row k="Term">{c.termMonths} months</Row>
          <Row k="Version">{c.version}</Row>
        </SummaryList>
      </Section>
      <Section title="Where the case stands" id="diagram">
        <Suspense fallback={<p className="nhsuk-body">Drawing the statechart…</p>}>
          <StatechartDiagram current={statePaths(c.stateValue)} />
        </Suspense>
      </Section>
      <Section title="What you can do now" id="actions">
        {c.allowedEvents.length === 0 ? (
          <p className="nhsuk-body">Nothing waits for you on this case right now.</p>
        ) : (
          c.allowedEvents.map((e) => <EventForm key={e} type={e} c={c} onDone={view.reload} />)
        )}
      </Section>
      <CaseDocuments
        caseId={c.id}
        version={c.version}
        onDone={view.reload}
        canUpload={
          ['draft', 'conflict_check', 'route_decision', 'tendering'].includes(c.state) &&
          hasRole(person, 'commissioner')
        }
      />
      <Section title="Deadlines" id="deadlines">
        <Table caption="Deadlines (Europe/London)">
          <Table.Head>
            <Table.Row>
              <Table.Cell>Deadline</Table.Cell>
              <Table.Cell>Due</Table.Cell>
              <Table.Cell>Status</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {c.deadlines.map((d, i) => (
              <Table.Row key={i}>
                <Table.Cell>{words(d.kind)}</Table.Cell>
                <Table.Cell>{london(d.dueAt)}</Table.Cell>
                <Table.Cell>
                  <StatusTag value={d.status} />
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      </Section>
      <Section title="Panel and declarations" id="declarations">
        <Table caption="Panel members">
          <Table.Head>
            <Table.Row>
              <Table.Cell>Member</Table.Cell>
              <Table.Cell>Declaration</Table.Cell>
              <Table.Cell>Mitigation</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {c.panel.map((m) => {
              const d = c.declarations.find((x) => x.id === m.declarationId);
              return (
                <Table.Row key={m.personId}>
                  <Table.Cell>{m.name ?? m.personId}</Table.Cell>
                  <Table.Cell>
                    {!d
                      ? 'not yet declared'
                      : d.nilReturn
                        ? 'nil return'
                        : d.interests.map((i) => `${words(i.category)}: ${i.description}`).join('; ')}
                  </Table.Cell>
                  <Table.Cell>{m.mitigation ? words(m.mitigation) : m.declared ? 'awaiting review' : '—'}</Table.Cell>
                </Table.Row>
              );
            })}
          </Table.Body>
        </Table>
        {c.state === 'conflict_check' && c.panel.some((m) => m.personId === person.personId && !m.declared) && (
          <DeclareForm caseId={c.id} onDone={view.reload} />
        )}
        {governance &&
          c.declarations
            .filter((d) => d.current && !d.review)
            .map((d) => (
              <ReviewForm
                key={d.id}
                caseId={c.id}
                declaration={d}
                name={c.panel.find((m) => m.personId === d.personId)?.name ?? d.personId}
                onDone={view.reload}
              />
            ))}
      </Section>
      <Section title="Detected conflicts" id="conflicts">
        {c.detectedConflicts.length === 0 ? (
          <p className="nhsuk-body">No conflicts detected.</p>
        ) : (
          <ul className="nhsuk-list nhsuk-list--bullet">
            {c.detectedConflicts.map((d, i) => (
              <li key={i}>
                {d.personName ?? d.personId} — {d.relationship ? words(d.relationship) : 'declared interest'} at{' '}
                {d.providerName ?? 'a provider'} ({d.declared ? 'declared' : 'not declared'})
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Flags" id="flags">
        {c.flags.length === 0 ? (
          <p className="nhsuk-body">No flags raised.</p>
        ) : (
          c.flags.map((f) => <FlagCard key={f.id} flag={f} governance={governance} onDone={view.reload} />)
        )}
      </Section>
      {c.ranking && (
        <Section title="Ranking" id="evaluation">
          <Table caption="Bids by weighted score">
            <Table.Head>
              <Table.Row>
                <Table.Cell>Rank</Table.Cell>
                <Table.Cell>Provider</Table.Cell>
                <Table.Cell>Weighted score</Table.Cell>
              </Table.Row>
            </Table.Head>
            <Table.Body>
              {c.ranking.map((r, i) => (
                <Table.Row key={r.bidId}>
                  <Table.Cell>{r.rank ?? i + 1}</Table.Cell>
                  <Table.Cell>{r.providerName ?? r.providerId ?? r.bidId}</Table.Cell>
                  <Table.Cell>{r.weightedScore ?? '—'}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </Section>
      )}
      {c.route === 'competitive' && (
        <CaseTenderParts
          caseId={c.id}
          state={c.state}
          version={c.version}
          commissioner={hasRole(person, 'commissioner')}
          governance={governance}
          evaluator={c.panel.some((m) => m.personId === person.personId && !m.excludedFromEvaluation)}
          names={Object.fromEntries(c.panel.map((m) => [m.personId, m.name ?? m.personId]))}
          onDone={view.reload}
        />
      )}
      <CaseNotices caseId={c.id} version={c.version} />
      <Timeline caseId={c.id} version={c.version} />
    </>
  );
}

function Row({ k, children }: { k: string; children: ReactNode }) {
  return (
    <SummaryList.Row>
      <SummaryList.Key>{k}</SummaryList.Key>
      <SummaryList.Value>{children}</SummaryList.Value>
    </SummaryList.Row>
  );
}

/** One form per event the caller may send, with the fields its payload needs. */
function EventForm({ type, c, onDone }: { type: string; c: CaseView; onDone: () => Promise<void> }) {
  const [fields, setFields] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const set = (k: string) => (e: { target: { value: string } }) => setFields({ ...fields, [k]: e.target.value });
  const fid = (k: string) => `${type}-${k}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await api.post(`/cases/${c.id}/events`, { type, ...payloadOf(type, fields) }, { 'If-Match': `"${c.version}"` });
      setProblem(null);
      await onDone();
    } catch (err) {
      const p = err as ApiProblem;
      if (p.code !== 'VERSION_MISMATCH') return setProblem(p);
      // someone, or a deadline, changed the case after this page loaded it: show the case as it is now and keep
      // what was typed, so the decision is taken on what the page shows and sent again with one click
      setProblem(
        new ApiProblem(
          p.status,
          p.code,
          p.title,
          `The case changed after this page loaded it (${p.detail}). The page now shows it as it is: check the changes in the history, then send ${words(type).toLowerCase()} again.`,
        ),
      );
      await onDone();
    }
  };
  const ids: Record<string, string> = Object.fromEntries(
    ['note', 'reason', 'reasonCode', 'justification', 'bidId', 'tenderClosesAt', 'providerIds', 'psrProcess'].map(
      (k) => [k, fid(k)],
    ),
  );
  ids.criteria = fid(`weight-${CRITERIA[0][0]}`);
  return (
    <form onSubmit={submit} noValidate className="nhsuk-u-margin-bottom-4" aria-label={words(type)}>
      <ProblemSummary problem={problem} fieldIds={ids} />
      {type === 'CANCEL' && (
        <>
          <Select id={fid('reasonCode')} label="Reason" value={fields.reasonCode ?? ''} onChange={set('reasonCode')}>
            <Select.Option value="">Choose a reason</Select.Option>
            {['no_longer_needed', 'legal_breach', 'force_majeure', 'budget', 'other'].map((r) => (
              <Select.Option key={r} value={r}>
                {words(r)}
              </Select.Option>
            ))}
          </Select>
          <Textarea id={fid('note')} label="Note" value={fields.note ?? ''} onChange={set('note')} />
        </>
      )}
      {type === 'APPROVE_AWARD' && (
        <Textarea id={fid('note')} label="Approval note" value={fields.note ?? ''} onChange={set('note')} />
      )}
      {type === 'REJECT_AWARD' && (
        <Textarea
          id={fid('reason')}
          label="Why the award is rejected"
          value={fields.reason ?? ''}
          onChange={set('reason')}
        />
      )}
      {type === 'PROPOSE_AWARD' && (
        <>
          <Select id={fid('bidId')} label="Bid to award" value={fields.bidId ?? ''} onChange={set('bidId')}>
            <Select.Option value="">Choose a bid</Select.Option>
            {(c.ranking ?? []).map((r) => (
              <Select.Option key={r.bidId} value={r.bidId}>
                {r.providerName ?? r.bidId} ({r.weightedScore ?? '—'})
              </Select.Option>
            ))}
          </Select>
          <Textarea
            id={fid('justification')}
            label="Justification against the key criteria"
            value={fields.justification ?? ''}
            onChange={set('justification')}
          />
        </>
      )}
      {type === 'DECIDE_BUY' && (
        <>
          <fieldset className="nhsuk-fieldset">
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
              Weights of the key criteria (whole numbers summing to 100)
            </legend>
            {CRITERIA.map(([key, weight]) => (
              <TextInput
                key={key}
                id={fid(`weight-${key}`)}
                label={words(key)}
                inputMode="numeric"
                width={3}
                value={fields[`weight-${key}`] ?? String(weight)}
                onChange={set(`weight-${key}`)}
              />
            ))}
          </fieldset>
          <TextInput
            id={fid('tenderClosesAt')}
            label="Tender closes at (optional, ISO 8601)"
            hint="Leave empty for the policy's minimum tender period"
            value={fields.tenderClosesAt ?? ''}
            onChange={set('tenderClosesAt')}
          />
        </>
      )}
      {type === 'DECIDE_MAKE' && (
        <>
          <TextInput
            id={fid('providerIds')}
            label="Member practice ids (comma-separated)"
            value={fields.providerIds ?? ''}
            onChange={set('providerIds')}
          />
          <Select
            id={fid('psrProcess')}
            label="PSR process"
            value={fields.psrProcess ?? ''}
            onChange={set('psrProcess')}
          >
            <Select.Option value="">Choose</Select.Option>
            <Select.Option value="direct_award_c">Direct award C</Select.Option>
            <Select.Option value="most_suitable_provider">Most suitable provider</Select.Option>
          </Select>
          <Textarea
            id={fid('justification')}
            label="Justification"
            value={fields.justification ?? ''}
            onChange={set('justification')}
          />
        </>
      )}
      <Button type="submit" secondary={type === 'CANCEL'} warning={type === 'CANCEL' || type === 'REJECT_AWARD'}>
        {words(type)
          .toLowerCase()
          .replace(/^./, (x) => x.toUpperCase())}
      </Button>
    </form>
  );
}

/** The PSR key criteria with the weights a form starts from. */
const CRITERIA: [string, number][] = [
  ['quality_innovation', 40],
  ['value', 30],
  ['integration_collaboration_sustainability', 10],
  ['access_inequalities_choice', 10],
  ['social_value', 10],
];

/** The payload each event takes, from the form's fields (the API validates it). */
export function payloadOf(type: string, f: Record<string, string>): Record<string, unknown> {
  switch (type) {
    case 'CANCEL':
      return { reasonCode: f.reasonCode, ...(f.note ? { note: f.note } : {}) };
    case 'APPROVE_AWARD':
      return { note: f.note ?? '' };
    case 'REJECT_AWARD':
      return { reason: f.reason ?? '' };
    case 'PROPOSE_AWARD':
      return { bidId: f.bidId, justification: f.justification ?? '' };
    case 'DECIDE_BUY':
      return {
        criteria: CRITERIA.map(([key, weight]) => ({ key, weight: Number(f[`weight-${key}`] ?? weight) })),
        ...(f.tenderClosesAt ? { tenderClosesAt: f.tenderClosesAt } : {}),
      };
    case 'DECIDE_MAKE':
      return {
        providerIds: (f.providerIds ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        psrProcess: f.psrProcess,
        justification: f.justification ?? '',
      };
    default:
      return {};
  }
}

function ReviewForm(props: { caseId: string; declaration: Declaration; name: string; onDone: () => Promise<void> }) {
  const [mitigation, setMitigation] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const id = props.declaration.id;
  return (
    <form
      noValidate
      aria-label={`Review the declaration of ${props.name}`}
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.post(`/cases/${props.caseId}/declarations/${id}/review`, { mitigation, note });
          await props.onDone();
        } catch (err) {
          setProblem(err as ApiProblem);
        }
      }}
    >
      <h3 className="nhsuk-heading-s">Review the declaration of {props.name}</h3>
      <ProblemSummary problem={problem} fieldIds={{ mitigation: `mitigation-${id}`, note: `note-${id}` }} />
      <Select
        id={`mitigation-${id}`}
        label="Mitigation"
        value={mitigation}
        onChange={(e) => setMitigation(e.target.value)}
      >
        <Select.Option value="">Choose a mitigation</Select.Option>
        {['none', 'exclude_from_decision', 'exclude_from_evaluation', 'exclude_entirely'].map((m) => (
          <Select.Option key={m} value={m}>
            {words(m)}
          </Select.Option>
        ))}
      </Select>
      <Textarea id={`note-${id}`} label="Note" value={note} onChange={(e) => setNote(e.target.value)} />
      <Button type="submit">Record review</Button>
    </form>
  );
}

function FlagCard({ flag, governance, onDone }: { flag: Flag; governance: boolean; onDone: () => Promise<void> }) {
  const [resolution, setResolution] = useState('');
  const [justification, setJustification] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  return (
    <div className="nhsuk-card">
      <div className="nhsuk-card__content">
        <h3 className="nhsuk-card__heading nhsuk-heading-s">
          {words(flag.code)} <StatusTag value={flag.severity} /> <StatusTag value={flag.status} />
        </h3>
        <p className="nhsuk-body-s">Raised {london(flag.createdAt)}</p>
        <details className="nhsuk-details">
          <summary className="nhsuk-details__summary">
            <span className="nhsuk-details__summary-text">Evidence</span>
          </summary>
          <div className="nhsuk-details__text">
            <pre style={{ whiteSpace: 'pre-wrap' }}>{JSON.stringify(flag.evidence, null, 2)}</pre>
          </div>
        </details>
        {governance && flag.status === 'open' && (
          <form
            noValidate
            aria-label={`Resolve ${words(flag.code)}`}
            onSubmit={async (e) => {
              e.preventDefault();
              try {
                await api.post(`/flags/${flag.id}/resolve`, { resolution, justification });
                await onDone();
              } catch (err) {
                setProblem(err as ApiProblem);
              }
            }}
          >
            <ProblemSummary
              problem={problem}
              fieldIds={{ resolution: `resolution-${flag.id}`, justification: `justification-${flag.id}` }}
            />
            <Select
              id={`resolution-${flag.id}`}
              label="Resolution"
              value={resolution}
              onChange={(e) => setResolution(e.target.value)}
            >
              <Select.Option value="">Choose</Select.Option>
              <Select.Option value="accepted">Accept (the award may go ahead)</Select.Option>
              <Select.Option value="upheld">Uphold (reject the award)</Select.Option>
            </Select>
            <Textarea
              id={`justification-${flag.id}`}
              label="Justification"
              value={justification}
              onChange={(e) => setJustification(e.target.value)}
            />
            <Button type="submit">Resolve flag</Button>
          </form>
        )}
      </div>
    </div>
  );
}

function CaseNotices({ caseId, version }: { caseId: string; version: number }) {
  const notices = useApi<Page<Notice>>(`/cases/${caseId}/notices`, version);
  const items = notices.data?.items ?? [];
  if (!items.length) return null;
  return (
    <Section title="Notices" id="notices">
      {items.map((n) => (
        <NoticeText key={n.id} notice={n} />
      ))}
    </Section>
  );
}

/** The audit history, newest last, with the hash chain verified by the API. */
function Timeline({ caseId, version }: { caseId: string; version: number }) {
  const history = useApi<Page<HistoryEntry> | HistoryEntry[]>(`/cases/${caseId}/history`, version);
  const verify = useApi<{ valid: boolean; length: number; firstInvalidSeq: number | null }>(
    `/cases/${caseId}/history/verify`,
    version,
  );
  if (history.error?.status === 404 || history.error?.status === 403) return null;
  const items = Array.isArray(history.data) ? history.data : (history.data?.items ?? []);
  return (
    <Section title="Timeline" id="timeline">
      {verify.data && (
        <p className="nhsuk-body">
          Audit chain:{' '}
          {verify.data.valid ? (
            <strong>verified ({verify.data.length} entries)</strong>
          ) : (
            <strong>BROKEN at entry {verify.data.firstInvalidSeq}</strong>
          )}
        </p>
      )}
      <ol className="nhsuk-list nhsuk-list--number">
        {items.map((h) => (
          <li key={h.seq}>
            {london(h.at)}: {words(h.type)}
            {h.fromState && h.fromState !== h.toState ? ` (${words(h.fromState)} to ${words(h.toState)})` : ''}
          </li>
        ))}
      </ol>
    </Section>
  );
}
