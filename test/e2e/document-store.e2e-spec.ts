import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { CHUNK_BYTES, DocumentStore, DocumentUploads } from '@makebuy/documents';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The document store on the real PostgreSQL: what goes in comes out byte for byte with the
 * SHA-256 of what was sent, whatever the pieces it arrives in; a refused stream keeps nothing,
 * and an oversize one is refused while it streams, without reading the rest.
 */
describe('document store (PostgreSQL, chunked bytea)', () => {
  let t: TestApp;
  let store: DocumentStore;
  let uploads: DocumentUploads;
  let ds: DataSource;
  const MAX = 512 * 1024;

  beforeAll(async () => {
    t = await startTestApp({ suite: 'document-store', worker: false, env: { DOCUMENT_MAX_BYTES: String(MAX) } });
    store = t.app.get(DocumentStore);
    uploads = t.app.get(DocumentUploads);
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const read = async (blobId: string) => {
    const parts: Buffer[] = [];
    for await (const c of store.read(blobId)) parts.push(c as Buffer);
    return Buffer.concat(parts);
  };
  const counts = async () => {
    const [r] = await ds.query(
      `SELECT (SELECT count(*) FROM document_blobs)::int AS blobs, (SELECT count(*) FROM document_chunks)::int AS chunks`,
    );
    return r as { blobs: number; chunks: number };
  };
  /** the bytes cut into pieces of the given sizes (cycled) */
  function* pieces(bytes: Buffer, sizes: number[]) {
    let at = 0;
    for (let i = 0; at < bytes.length; i++) {
      const n = sizes[i % sizes.length];
      yield bytes.subarray(at, at + n);
      at += n;
    }
  }
  const accept = { chunk: () => undefined, end: async () => undefined };

  it('stores any byte stream, in any pieces, with the sha256 of what was sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: CHUNK_BYTES * 2 + 1000 }),
        fc.array(fc.integer({ min: 1, max: CHUNK_BYTES + 7 }), { minLength: 1, maxLength: 6 }),
        async (arr, sizes) => {
          const bytes = Buffer.from(arr);
          const blob = await store.put(Readable.from(pieces(bytes, sizes)), accept);
          expect(blob.size).toBe(bytes.length);
          expect(blob.sha256).toBe(sha(bytes));
          const back = await read(blob.id);
          expect(sha(back)).toBe(sha(bytes));
          expect(back.equals(bytes)).toBe(true);
          await store.discard(blob.id);
        },
      ),
      { numRuns: 25 },
    );
    expect(await counts()).toEqual({ blobs: 0, chunks: 0 });
  });

  it('keeps nothing when the check refuses at the end, after chunks were written', async () => {
    const bytes = Buffer.alloc(CHUNK_BYTES * 3, 0x41);
    await expect(
      store.put(Readable.from(pieces(bytes, [65536])), {
        chunk: () => undefined,
        end: async () => {
          throw new Error('refused');
        },
      }),
    ).rejects.toThrow('refused');
    expect(await counts()).toEqual({ blobs: 0, chunks: 0 });
  });

  it('refuses an oversize upload while it streams: an endless source is cut off after the limit', async () => {
    let sent = 0;
    async function* endless() {
      for (;;) {
        sent += 64 * 1024;
        yield Buffer.alloc(64 * 1024, 0x20);
      }
    }
    const err = await uploads.receive(endless(), 'big.txt', 'text/plain').catch((e) => e);
    expect(err).toMatchObject({ code: 'DOCUMENT_REJECTED', details: { reason: 'too_large' } });
    // read no further than the first piece over the limit
    expect(sent).toBeGreaterThan(MAX);
    expect(sent).toBeLessThanOrEqual(MAX + 64 * 1024);
    expect(await counts()).toEqual({ blobs: 0, chunks: 0 });
  });

  it('an unclaimed blob is discarded; a claimed one is not', async () => {
    const a = await store.put(Readable.from([Buffer.from('claimed')]), accept);
    const b = await store.put(Readable.from([Buffer.from('left behind')]), accept);
    await ds.transaction((tx) => store.claim(tx, a.id));
    await store.discard(a.id);
    await store.discard(b.id);
    expect((await read(a.id)).toString()).toBe('claimed');
    expect((await read(b.id)).length).toBe(0);
    await ds.query(`DELETE FROM document_blobs`);
  });
});
