import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { Button, Checkboxes, Radios, Select, Textarea, TextInput } from 'nhsuk-react-components';
import { api, ApiProblem, qs, type Page } from '../api';
import { Loading, ProblemSummary } from '../components';
import { useApi } from '../use-api';
import { useSession } from '../session';

interface PersonRow {
  id: string;
  name: string;
  roles: string[];
}

const SETTINGS = ['secondary', 'community', 'primary'];

/** A commissioner raises a redesign case in its own consortium, with a panel of its commissioners. */
export function NewCasePage() {
  const { person, loading } = useSession();
  const navigate = useNavigate();
  const people = useApi<Page<PersonRow>>(
    person?.consortiumId
      ? `/people${qs({ role: 'commissioner', consortiumId: person.consortiumId, limit: 200 })}`
      : null,
  );
  const [f, setF] = useState({
    title: '',
    serviceName: '',
    description: '',
    cpvCode: '',
    fromSetting: 'secondary',
    toSetting: 'primary',
    value: '',
    termMonths: '36',
    track: 'fast',
  });
  const [panel, setPanel] = useState<string[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  if (loading) return <Loading what="your session" />;
  if (!person) return <Navigate to="/sign-in" replace />;
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const created = await api.post<{ id: string }>('/cases', {
        title: f.title,
        serviceName: f.serviceName,
        consortiumId: person.consortiumId,
        fromSetting: f.fromSetting,
        toSetting: f.toSetting,
        estimatedAnnualValue: { amount: Number(f.value), currency: 'GBP' },
        termMonths: Number(f.termMonths),
        track: f.track,
        panelPersonIds: panel,
        ...(f.description ? { description: f.description } : {}),
        ...(f.cpvCode ? { cpvCode: f.cpvCode } : {}),
      });
      navigate(`/cases/${created.id}`);
    } catch (err) {
      setProblem(err as ApiProblem);
    }
  };
  const ids: Record<string, string> = {
    title: 'title',
    serviceName: 'serviceName',
    description: 'description',
    cpvCode: 'cpvCode',
    estimatedAnnualValue: 'value',
    'estimatedAnnualValue.amount': 'value',
    termMonths: 'termMonths',
    panelPersonIds: 'panel',
  };
  return (
    <>
      <h1 className="nhsuk-heading-l">Raise a case</h1>
      <ProblemSummary problem={problem} fieldIds={ids} />
      <form noValidate onSubmit={submit} aria-label="Raise a case">
        <TextInput id="title" label="Title" value={f.title} onChange={set('title')} />
        <TextInput
          id="serviceName"
          label="Service"
          hint="For example, dermatology"
          value={f.serviceName}
          onChange={set('serviceName')}
        />
        <Textarea
          id="description"
          label="What is being bought (specification)"
          value={f.description}
          onChange={set('description')}
        />
        <TextInput
          id="cpvCode"
          label="CPV code"
          hint="For example, 85121200-5"
          width={10}
          value={f.cpvCode}
          onChange={set('cpvCode')}
        />
        <Select id="fromSetting" label="Moves from" value={f.fromSetting} onChange={set('fromSetting')}>
          {SETTINGS.map((s) => (
            <Select.Option key={s} value={s}>
              {s} care
            </Select.Option>
          ))}
        </Select>
        <Select id="toSetting" label="Moves to" value={f.toSetting} onChange={set('toSetting')}>
          {SETTINGS.map((s) => (
            <Select.Option key={s} value={s}>
              {s} care
            </Select.Option>
          ))}
        </Select>
        <TextInput
          id="value"
          label="Estimated annual value (£)"
          inputMode="decimal"
          width={10}
          value={f.value}
          onChange={set('value')}
        />
        <TextInput
          id="termMonths"
          label="Term (months)"
          inputMode="numeric"
          width={4}
          value={f.termMonths}
          onChange={set('termMonths')}
        />
        <Radios id="track" name="track" legend="Track" inline>
          <Radios.Item value="fast" checked={f.track === 'fast'} onChange={() => setF({ ...f, track: 'fast' })}>
            Fast
          </Radios.Item>
          <Radios.Item
            value="standard"
            checked={f.track === 'standard'}
            onChange={() => setF({ ...f, track: 'standard' })}
          >
            Standard
          </Radios.Item>
        </Radios>
        {/* nhsuk-frontend's checkboxes need their inputs present when they start */}
        {people.loading || !people.data?.items.length ? (
          <Loading what="the commissioners of your consortium" />
        ) : (
          <Checkboxes
            id="panel"
            name="panel"
            legend="Panel"
            hint="Commissioners of your consortium who decide and evaluate"
          >
            {(people.data?.items ?? []).map((p) => (
              <Checkboxes.Item
                key={p.id}
                value={p.id}
                checked={panel.includes(p.id)}
                onChange={(e) => setPanel(e.target.checked ? [...panel, p.id] : panel.filter((x) => x !== p.id))}
              >
                {p.name}
              </Checkboxes.Item>
            ))}
          </Checkboxes>
        )}
        <Button type="submit">Raise case</Button>
      </form>
    </>
  );
}
