import 'reflect-metadata';
import { loadAppConfig } from '@makebuy/settings';
import { ensureDatabase } from '../ensure-database';
import { runMigrations } from '../data-source.factory';

async function main() {
  const config = loadAppConfig();
  await ensureDatabase(config.databaseUrl);
  const applied = await runMigrations(config.databaseUrl);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
}
main().catch((e: Error) => {
  console.error(`migration failed: ${e.message}`);
  process.exit(1);
});
