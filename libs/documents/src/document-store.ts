import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';

/** What the store knows of stored bytes. */
export interface StoredBlob {
  id: string;
  size: number;
  sha256: string;
}

/**
 * Sees every chunk before it is stored and the whole once the source ends. Throwing from either
 * refuses the upload: the store then keeps nothing.
 */
export interface ChunkCheck {
  chunk(chunk: Buffer): void;
  end(blob: { size: number; sha256: string }): Promise<void>;
}

/**
 * Where document bytes live. One implementation today (PostgreSQL, chunked bytea, so documents
 * share the database's transactions and backups); an object store can come later behind the same
 * interface. Bytes are streamed in and out: no implementation may hold a whole document.
 */
export abstract class DocumentStore {
  /** Stores the source's bytes as one new blob, unclaimed; refused (nothing kept) if the check throws. */
  abstract put(source: AsyncIterable<Buffer>, check: ChunkCheck): Promise<StoredBlob>;
  /** Marks the blob as held by a document record, in the transaction that writes the record. */
  abstract claim(tx: EntityManager, blobId: string): Promise<void>;
  /** Removes an unclaimed blob (an upload that failed after its bytes were stored). */
  abstract discard(blobId: string): Promise<void>;
  /** The blob's bytes, read chunk by chunk as the consumer pulls. */
  abstract read(blobId: string): Readable;
  /** Removes unclaimed blobs stored before `before` (uploads interrupted by a crash). */
  abstract sweepUnclaimed(before: Date): Promise<number>;
}
