import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildRelease, type JsonObject, type OcdsReleaseTag } from '@makebuy/domain';
import { OcdsFactsReader } from './ocds-facts.reader';

export interface PublishRelease {
  caseId: string;
  /** the case's ocid (informative: it is read with the facts of the release, in the same statement) */
  ocid?: string;
  /** the OCDS release tag(s) of the change, as the statechart names them */
  tag: OcdsReleaseTag | OcdsReleaseTag[];
  now: Date;
}

/**
 * Publishes the OCDS release of a change, in the transaction of that change (an effect of the
 * statechart). Takes only `tx` for I/O: the caller holds the case lock, so releases of one ocid
 * are numbered without gaps or races.
 */
@Injectable()
export class OcdsReleaseService {
  constructor(private readonly reader: OcdsFactsReader) {}

  /** Returns the release written, or null when there is nothing to publish (a cancellation before any release). */
  async publish(tx: EntityManager, cmd: PublishRelease): Promise<JsonObject | null> {
    const tags = Array.isArray(cmd.tag) ? cmd.tag : [cmd.tag];
    const { ocid, previous, facts } = await this.reader.read(tx, cmd.caseId);
    // a process that never published anything has nothing to withdraw
    if (!previous && tags.includes('tenderCancellation')) return null;
    const seq = (previous?.seq ?? 0) + 1;
    // release dates never go backwards within an ocid, even if the clock does
    const at = previous && previous.date.getTime() > cmd.now.getTime() ? previous.date : cmd.now;
    const release = buildRelease({ id: `${ocid}-${seq}`, date: at.toISOString(), tag: tags, facts: facts() });
    await tx.query(
      `INSERT INTO ocds_releases (id, ocid, case_id, seq, tags, date, release) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [release.id as string, ocid, cmd.caseId, seq, tags, at, JSON.stringify(release)],
    );
    return release;
  }
}
