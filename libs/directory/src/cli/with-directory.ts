import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, loadAppConfig, loadPolicy, SettingsModule } from '@makebuy/settings';
import { DatabaseModule, ensureDatabase, runMigrations } from '@makebuy/database';
import { DirectoryModule } from '../directory.module';
import { DirectoryService } from '../directory.service';

@Module({})
class DirectoryCliModule {}

/** Command-line tools that read or change the directory (npm run token, npm run people:grant). */
export async function withDirectory<T>(fn: (dir: DirectoryService, config: AppConfig) => Promise<T>): Promise<T> {
  const config = loadAppConfig();
  await ensureDatabase(config.databaseUrl);
  await runMigrations(config.databaseUrl);
  const app = await NestFactory.createApplicationContext(
    {
      module: DirectoryCliModule,
      imports: [SettingsModule.forRoot(config, loadPolicy(config.policyFile)), DatabaseModule, DirectoryModule],
    },
    { logger: ['error', 'warn'] },
  );
  try {
    return await fn(app.get(DirectoryService), config);
  } finally {
    await app.close();
  }
}
