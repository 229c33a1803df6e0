import { probePostgres, probeRedis, describeUnreachable } from '../../libs/database/src/reachability';

/** e2e suites need the real PostgreSQL and Redis; say which is missing and how to start it. */
export default async function globalSetup(): Promise<void> {
  const pg = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redis = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  for (const problem of [await probePostgres(pg), await probeRedis(redis)]) {
    if (problem) throw new Error(describeUnreachable(problem));
  }
}
