/** For the TypeORM CLI (`npm run migration:generate`). */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '@makebuy/settings';
import { dataSourceOptions } from './data-source.factory';

export default new DataSource({
  ...dataSourceOptions(loadAppConfig().databaseUrl),
  entities: [__dirname + '/../../**/*.entity.js'],
});
