import { useState } from 'react';
import { Button, Checkboxes, Radios } from 'nhsuk-react-components';
import { api, ApiProblem, type Page } from '../api';
import { Loading, ProblemSummary } from '../components';
import { useApi } from '../use-api';
import { words } from '../time';

interface Interest {
  id: string;
  category: string;
  organisation: string | null;
  description: string;
}

/** A panel member's declaration for this case: a nil return, or the register interests that bear on it. */
export function DeclareForm({ caseId, onDone }: { caseId: string; onDone: () => Promise<void> }) {
  const interests = useApi<Page<Interest>>('/interests?limit=200');
  const [kind, setKind] = useState<'nil' | 'interests' | ''>('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  if (interests.loading) return <Loading what="your register of interests" />;
  const mine = interests.data?.items ?? [];
  return (
    <form
      noValidate
      aria-label="Your declaration for this case"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api.post(`/cases/${caseId}/declarations`, {
            interestIds: kind === 'interests' ? chosen : [],
            nilReturn: kind === 'nil',
          });
          setProblem(null);
          await onDone();
        } catch (err) {
          setProblem(err as ApiProblem);
        }
      }}
    >
      <ProblemSummary problem={problem} fieldIds={{ nilReturn: 'declaration', interestIds: 'declaration' }} />
      <Radios id="declaration" name="declaration" legend="Your declaration for this case" legendProps={{ size: 's' }}>
        <Radios.Item value="nil" checked={kind === 'nil'} onChange={() => setKind('nil')}>
          Nothing to declare (nil return)
        </Radios.Item>
        {mine.length > 0 && (
          <Radios.Item value="interests" checked={kind === 'interests'} onChange={() => setKind('interests')}>
            I have interests that bear on this case
          </Radios.Item>
        )}
      </Radios>
      {kind === 'interests' && (
        <Checkboxes
          id="interests"
          name="interests"
          legend="Which of your declared interests"
          legendProps={{ size: 's' }}
        >
          {mine.map((i) => (
            <Checkboxes.Item
              key={i.id}
              value={i.id}
              checked={chosen.includes(i.id)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, i.id] : chosen.filter((x) => x !== i.id))}
            >
              {words(i.category)}: {i.description}
              {i.organisation ? ` (${i.organisation})` : ''}
            </Checkboxes.Item>
          ))}
        </Checkboxes>
      )}
      <Button type="submit">Send declaration</Button>
    </form>
  );
}
