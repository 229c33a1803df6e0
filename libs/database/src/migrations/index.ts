import { InitialSchema1732350000000 } from './1732350000000-initial-schema';

/** Every migration, in order. New migrations are added here. */
export const MIGRATIONS = [InitialSchema1732350000000];
