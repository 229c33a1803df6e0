import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button, Radios, Textarea } from 'nhsuk-react-components';
import { api, ApiProblem } from '../api';
import { ProblemSummary, Loading } from '../components';
import { useApi } from '../use-api';
import { useSession } from '../session';

interface ConsoleConfig {
  devSignIn: boolean;
}
interface DevPerson {
  id: string;
  name: string;
  roles: string[];
  organisation: string | null;
}

/**
 * Development sign-in lists the directory's people (only where CONSOLE_DEV_SIGNIN allows);
 * otherwise a token from the organisation's identity provider is exchanged for a session cookie.
 */
export function SignInPage() {
  const config = useApi<ConsoleConfig>('/console/config');
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [choice, setChoice] = useState('');
  const [token, setToken] = useState('');

  const signIn = async (body: Record<string, unknown>) => {
    try {
      await api.post('/console/session', body);
      await refresh();
      navigate('/');
    } catch (e) {
      setProblem(e as ApiProblem);
    }
  };

  if (config.loading) return <Loading what="sign-in options" />;
  return (
    <>
      <h1 className="nhsuk-heading-l">Sign in</h1>
      <ProblemSummary problem={problem} fieldIds={{ personId: 'person', token: 'token' }} />
      {config.data?.devSignIn && <DevSignIn choice={choice} setChoice={setChoice} signIn={signIn} />}
      <form
        noValidate
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void signIn({ token: token.trim() });
        }}
      >
        <Textarea
          id="token"
          name="token"
          label="Token from your organisation's identity provider"
          hint="Paste the bearer token your organisation issued to you. It is exchanged for a session and never stored in the browser."
          rows={4}
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <Button type="submit" secondary={!!config.data?.devSignIn}>
          Sign in with token
        </Button>
      </form>
    </>
  );
}

function DevSignIn(props: {
  choice: string;
  setChoice: (v: string) => void;
  signIn: (body: Record<string, unknown>) => Promise<void>;
}) {
  const people = useApi<{ items: DevPerson[] }>('/console/dev-people');
  if (people.loading) return <Loading what="people" />;
  return (
    <form
      noValidate
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void props.signIn(props.choice === 'admin' ? { admin: true } : { personId: props.choice });
      }}
    >
      <Radios
        id="person"
        name="person"
        legend="Sign in as (development only)"
        legendProps={{ size: 'm' }}
        hint="This page exists only where CONSOLE_DEV_SIGNIN is on; it is never available in production."
      >
        <Radios.Item value="admin" checked={props.choice === 'admin'} onChange={() => props.setChoice('admin')}>
          Administrator
        </Radios.Item>
        {(people.data?.items ?? []).map((p) => (
          <Radios.Item
            key={p.id}
            value={p.id}
            checked={props.choice === p.id}
            onChange={() => props.setChoice(p.id)}
            hint={`${p.roles.join(', ') || 'no roles'}${p.organisation ? ` · ${p.organisation}` : ''}`}
          >
            {p.name}
          </Radios.Item>
        ))}
      </Radios>
      <Button type="submit">Sign in</Button>
    </form>
  );
}
