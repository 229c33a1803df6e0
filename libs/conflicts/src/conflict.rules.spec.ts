import fc from 'fast-check';
import { DomainError, MITIGATIONS } from '@makebuy/domain';
import {
  annualDeclarationDue,
  checkDeclarationShape,
  checkInterestDates,
  checkOwnInterests,
  conflictCheckStatus,
  endedInterestCutoff,
  exclusionFor,
  isCalendarDate,
  londonDate,
  monthsBefore,
} from './conflict.rules';

const code = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof DomainError ? e.code : 'THREW';
  }
};

describe('exclusionFor', () => {
  it('maps each mitigation to what it excludes', () => {
    expect(exclusionFor(null)).toEqual({ mitigation: null, fromDecision: false, fromEvaluation: false });
    expect(exclusionFor('none')).toMatchObject({ fromDecision: false, fromEvaluation: false });
    expect(exclusionFor('exclude_from_decision')).toMatchObject({ fromDecision: true, fromEvaluation: false });
    expect(exclusionFor('exclude_from_evaluation')).toMatchObject({ fromDecision: false, fromEvaluation: true });
    expect(exclusionFor('exclude_entirely')).toMatchObject({ fromDecision: true, fromEvaluation: true });
  });
});

describe('calendar dates', () => {
  it('accepts real YYYY-MM-DD dates only', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-01', '01/02/2024', '2024-02-30T00:00', '', null, 20240101])
      expect(isCalendarDate(bad)).toBe(false);
  });

  it('londonDate follows Europe/London across midnight and summer time', () => {
    expect(londonDate(new Date('2024-07-01T23:30:00Z'))).toBe('2024-07-02'); // BST
    expect(londonDate(new Date('2024-01-01T23:30:00Z'))).toBe('2024-01-01'); // GMT
  });

  it('monthsBefore clamps to the end of a shorter month', () => {
    expect(monthsBefore('2024-08-31', 6)).toBe('2024-02-29');
    expect(monthsBefore('2023-08-31', 6)).toBe('2023-02-28');
    expect(monthsBefore('2024-03-15', 6)).toBe('2023-09-15');
    expect(monthsBefore('2024-03-15', 0)).toBe('2024-03-15');
  });

  it('monthsBefore always lands on a calendar date no later than the start, within the month', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1990-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 240 }),
        (d, months) => {
          const start = d.toISOString().slice(0, 10);
          const out = monthsBefore(start, months);
          expect(isCalendarDate(out)).toBe(true);
          expect(out <= start).toBe(true);
          const [sy, sm] = start.split('-').map(Number);
          const [oy, om] = out.split('-').map(Number);
          expect(sy * 12 + sm - (oy * 12 + om)).toBe(months);
        },
      ),
    );
  });

  it('the register cutoff is six months before today in London', () => {
    expect(endedInterestCutoff(new Date('2025-08-31T23:30:00Z'), 6)).toBe('2025-03-01');
    expect(endedInterestCutoff(new Date('2025-08-30T12:00:00Z'), 6)).toBe('2025-02-28');
  });
});

describe('interests and declarations', () => {
  it('refuses bad dates and an end before the start', () => {
    expect(code(() => checkInterestDates('2024-01-01'))).toBeNull();
    expect(code(() => checkInterestDates('2024-01-01', '2024-01-01'))).toBeNull();
    expect(code(() => checkInterestDates('2024-01-02', '2024-01-01'))).toBe('VALIDATION_FAILED');
    expect(code(() => checkInterestDates('2024-02-30'))).toBe('VALIDATION_FAILED');
  });

  it('a nil return names nothing, any other declaration names something', () => {
    expect(code(() => checkDeclarationShape({ interestIds: [], nilReturn: true }))).toBeNull();
    expect(code(() => checkDeclarationShape({ interestIds: ['a'], nilReturn: false }))).toBeNull();
    expect(code(() => checkDeclarationShape({ interestIds: ['a'], nilReturn: true }))).toBe('VALIDATION_FAILED');
    expect(code(() => checkDeclarationShape({ interestIds: [], nilReturn: false }))).toBe('VALIDATION_FAILED');
  });

  it('only the declarer’s own interests may be named', () => {
    expect(code(() => checkOwnInterests(['a'], new Set(['a', 'b'])))).toBeNull();
    expect(code(() => checkOwnInterests(['a', 'c'], new Set(['a'])))).toBe('VALIDATION_FAILED');
  });
});

describe('conflictCheckStatus', () => {
  const reviewed = (personId: string, mitigation: (typeof MITIGATIONS)[number]) => ({
    personId,
    declaration: { id: `d-${personId}`, mitigation },
  });

  it('passes with every declaration reviewed and enough unexcluded decision makers', () => {
    const s = conflictCheckStatus([reviewed('a', 'none'), reviewed('b', 'exclude_from_evaluation')], 2);
    expect(s).toMatchObject({ declarationsComplete: true, unexcludedDecisionMakers: 2, quorumMet: true, blockers: [] });
  });

  it('reports missing and unreviewed declarations before the quorum', () => {
    const s = conflictCheckStatus(
      [
        { personId: 'a', declaration: null },
        { personId: 'b', declaration: { id: 'd-b', mitigation: null } },
        reviewed('c', 'exclude_entirely'),
      ],
      3,
    );
    expect(s).toEqual({
      declarationsComplete: false,
      missingDeclarations: ['a'],
      unreviewed: [{ personId: 'b', declarationId: 'd-b' }],
      unexcludedDecisionMakers: 2,
      quorum: 3,
      quorumMet: false,
      blockers: ['DECLARATIONS_INCOMPLETE', 'QUORUM_NOT_MET'],
    });
  });

  it('counts exclude_from_decision and exclude_entirely against the quorum, whatever the order of the panel', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...MITIGATIONS), { maxLength: 8 }),
        fc.integer({ min: 1, max: 5 }),
        (ms, q) => {
          const panel = ms.map((m, i) => reviewed(`p${i}`, m));
          const s = conflictCheckStatus(panel, q);
          const expected = ms.filter((m) => m !== 'exclude_from_decision' && m !== 'exclude_entirely').length;
          expect(s.unexcludedDecisionMakers).toBe(expected);
          expect(conflictCheckStatus([...panel].reverse(), q)).toEqual({
            ...s,
            unreviewed: [],
            missingDeclarations: [],
          });
          expect(s.quorumMet).toBe(expected >= q);
        },
      ),
    );
  });
});

describe('annualDeclarationDue', () => {
  const policy = { maxAgeDays: 365, newInterestDays: 28 };
  it('is a year after the last declaration, or 28 days after joining for someone who never declared', () => {
    const joined = new Date('2024-01-01T00:00:00Z');
    expect(annualDeclarationDue(null, joined, policy).toISOString()).toBe('2024-01-29T00:00:00.000Z');
    expect(annualDeclarationDue(new Date('2024-03-01T10:00:00Z'), joined, policy).toISOString()).toBe(
      '2025-03-01T10:00:00.000Z',
    );
  });
});
