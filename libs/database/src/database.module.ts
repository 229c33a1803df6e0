import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@makebuy/settings';
import { dataSourceOptions } from './data-source.factory';
import { configureCursorKey } from './pagination';

/** TypeORM on PostgreSQL; entities are registered by each feature with forFeature. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        // list cursors are signed with a key of this deployment (see pagination.ts)
        configureCursorKey(config.jwtSecret);
        return { ...dataSourceOptions(config.databaseUrl), autoLoadEntities: true, migrationsRun: false };
      },
    }),
  ],
})
export class DatabaseModule {}
