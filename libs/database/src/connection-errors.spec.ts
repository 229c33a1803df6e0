import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { isConnectionUnavailable, isPoolTimeout } from './connection-errors';

describe('isConnectionUnavailable', () => {
  it('knows a lost or refused connection', () => {
    expect(
      isConnectionUnavailable(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
    expect(isConnectionUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isConnectionUnavailable(
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
    ).toBe(true);
    expect(isConnectionUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('knows a query runner TypeORM released because its connection failed', () => {
    expect(isConnectionUnavailable(new QueryRunnerAlreadyReleasedError())).toBe(true);
  });

  it('does not take a bad statement or a plain error for an outage', () => {
    const bad = new QueryFailedError(
      'SELECT nope',
      [],
      Object.assign(new Error('column "nope" does not exist'), { code: '42703' }),
    );
    expect(isConnectionUnavailable(bad)).toBe(false);
    expect(isConnectionUnavailable(new Error('something else'))).toBe(false);
    expect(isPoolTimeout(new QueryRunnerAlreadyReleasedError())).toBe(false);
  });
});
