import { Logger } from '@nestjs/common';
import type { CaseEntity } from '@makebuy/cases';

const log = new Logger('CommittedView');

/** The body of a committed change whose case view could not be read afterwards (contract, "Operations"). */
export interface ViewUnavailable {
  id: string;
  version: number;
  state: string;
  viewUnavailable: true;
}

/**
 * A change that committed is answered as committed: when reading the view after the commit
 * fails (a dropped connection, an exhausted pool), the answer is still 200 with what the commit
 * itself returned, so a retry does not meet 409 for something that happened.
 */
export async function committedView<V>(row: CaseEntity, view: () => Promise<V>): Promise<V | ViewUnavailable> {
  try {
    return await view();
  } catch (e) {
    log.warn(`case ${row.id} version ${row.version} committed; its view could not be read: ${(e as Error)?.message}`);
    return { id: row.id, version: row.version, state: row.state, viewUnavailable: true };
  }
}
