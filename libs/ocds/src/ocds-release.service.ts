import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildRelease, type JsonObject, type OcdsReleaseTag } from '@makebuy/domain';
import { OcdsReleaseEntity } from './ocds-release.entity';
import { OcdsFactsReader } from './ocds-facts.reader';

export interface PublishRelease {
  caseId: string;
  /** the case's ocid when the caller has the row in hand (else read through tx) */
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
    const ocid =
      cmd.ocid ??
      ((await tx.query(`SELECT ocid FROM cases WHERE id = $1`, [cmd.caseId])) as { ocid: string }[])[0].ocid;
    const previous = await this.reader.previous(tx, ocid);
    // a process that never published anything has nothing to withdraw
    if (!previous && tags.includes('tenderCancellation')) return null;
    const seq = (previous?.seq ?? 0) + 1;
    // release dates never go backwards within an ocid, even if the clock does
    const at = previous && previous.date.getTime() > cmd.now.getTime() ? previous.date : cmd.now;
    const facts = await this.reader.facts(tx, cmd.caseId, previous);
    const release = buildRelease({ id: `${ocid}-${seq}`, date: at.toISOString(), tag: tags, facts });
    await tx.insert(OcdsReleaseEntity, {
      id: release.id as string,
      ocid,
      caseId: cmd.caseId,
      seq,
      tags,
      date: at,
      // typeorm's deep-partial type does not terminate on a recursive JSON type
      release: release as never,
    });
    return release;
  }
}
