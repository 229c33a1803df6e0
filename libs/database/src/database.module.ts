import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { ConnectionWatch, MetricsModule } from '@makebuy/metrics';
import { dataSourceOptions } from './data-source.factory';
import { configureCursorKey } from './pagination';
import { preparingClient } from './prepared-statements';

/** TypeORM on PostgreSQL; entities are registered by each feature with forFeature. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [MetricsModule],
      inject: [APP_CONFIG, ConnectionWatch],
      useFactory: (config: AppConfig, watch: ConnectionWatch) => {
        // list cursors are signed with a key of this deployment (see pagination.ts)
        configureCursorKey(config.jwtSecret);
        return {
          ...dataSourceOptions(config.databaseUrl, {
            // a request waits at most databasePoolWaitMs for a connection, then is answered 503;
            // statements with parameters are prepared on each connection (prepared-statements.ts)
            extra: {
              max: config.databasePoolMax,
              connectionTimeoutMillis: config.databasePoolWaitMs,
              // no JIT compilation on the app's sessions: its statements are short, and the
              // planner's estimates of the set-form ones (a batch's OCDS release read, a list over
              // 100,000 cases) pass jit_above_cost, so PostgreSQL spent 80 ms compiling a read that
              // runs in 6 ms (docs/performance.md, fifth pass)
              options: '-c jit=off',
              // node-postgres's pipeline mode: statements sent without awaiting each other share
              // round trips (a transaction's deferred writes go with the statement after them,
              // DeferredWrites); a caller that awaits each statement is served as before
              pipeline: true,
              // (with DATABASE_PREPARED_STATEMENTS=0 it names nothing; it still keeps a dropped
              // connection's late error from ending the process)
              Client: preparingClient(config.databasePreparedStatements),
            },
          }),
          // an idle connection dropped by the server (restart, failover): one log line per outage
          poolErrorHandler: (e: unknown) => watch.failed('postgres', e),
          autoLoadEntities: true,
          migrationsRun: false,
        };
      },
    }),
  ],
})
export class DatabaseModule {}
