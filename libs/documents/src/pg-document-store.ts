import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@makebuy/settings';
import { ChunkCheck, DocumentStore, StoredBlob } from './document-store';

/** Rows of at most this many bytes: small enough to stream, large enough to keep row overhead low. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * Documents in PostgreSQL: `document_chunks` rows of bytea under a `document_blobs` row. An upload
 * is written in one transaction of its own, chunk by chunk as the bytes arrive (the source is read
 * only as fast as the database takes it), so a refusal rolls back every byte.
 */
@Injectable()
export class PgDocumentStore extends DocumentStore {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {
    super();
  }

  async put(source: AsyncIterable<Buffer>, check: ChunkCheck): Promise<StoredBlob> {
    const id = randomUUID();
    return this.ds.transaction(async (tx) => {
      const hash = createHash('sha256');
      let size = 0;
      let seq = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (all: boolean) => {
        while (pendingBytes >= CHUNK_BYTES || (all && pendingBytes > 0)) {
          const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending);
          const row = joined.subarray(0, CHUNK_BYTES);
          const rest = joined.subarray(row.length);
          await tx.query(`INSERT INTO document_chunks (blob_id, seq, data) VALUES ($1, $2, $3)`, [id, seq++, row]);
          pending = rest.length ? [rest] : [];
          pendingBytes = rest.length;
        }
      };
      for await (const piece of source) {
        const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
        if (chunk.length === 0) continue;
        check.chunk(chunk);
        hash.update(chunk);
        size += chunk.length;
        pending.push(chunk);
        pendingBytes += chunk.length;
        await flush(false);
      }
      await flush(true);
      const sha256 = hash.digest('hex');
      await check.end({ size, sha256 });
      await tx.query(
        `INSERT INTO document_blobs (id, size, sha256, chunk_count, claimed, created_at) VALUES ($1, $2, $3, $4, false, $5)`,
        [id, size, sha256, seq, this.clock.now()],
      );
      return { id, size, sha256 };
    });
  }

  async claim(tx: EntityManager, blobId: string): Promise<void> {
    const res: [unknown[], number] = await tx.query(
      `UPDATE document_blobs SET claimed = true WHERE id = $1 AND NOT claimed RETURNING id`,
      [blobId],
    );
    if (res[1] !== 1) throw new Error(`blob ${blobId} is missing or already claimed`);
  }

  async discard(blobId: string): Promise<void> {
    await this.ds.query(`DELETE FROM document_blobs WHERE id = $1 AND NOT claimed`, [blobId]);
  }

  read(blobId: string): Readable {
    const ds = this.ds;
    async function* chunks() {
      for (let seq = 0; ; seq++) {
        const rows: { data: Buffer }[] = await ds.query(
          `SELECT data FROM document_chunks WHERE blob_id = $1 AND seq = $2`,
          [blobId, seq],
        );
        if (!rows.length) return;
        yield rows[0].data;
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async sweepUnclaimed(before: Date): Promise<number> {
    const res: [unknown[], number] = await this.ds.query(
      `DELETE FROM document_blobs WHERE NOT claimed AND created_at < $1 RETURNING id`,
      [before],
    );
    return res[1];
  }
}
