import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, Clock } from '@makebuy/settings';
import { DocumentStore } from './document-store';
import { checkFileName, declaredMediaType, MediaType } from './content-policy';
import { ContentInspector } from './content-inspector';

/** An uploaded file whose bytes are stored (unclaimed) and passed every content check. */
export interface ReceivedFile {
  blobId: string;
  fileName: string;
  mediaType: MediaType;
  size: number;
  sha256: string;
}

/** Unclaimed blobs older than this are the remains of an interrupted upload. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/**
 * Receives one uploaded file: checks its name and declared type before reading a byte, then streams
 * it into the store through the content checks. A refusal stores nothing.
 */
@Injectable()
export class DocumentUploads {
  constructor(
    private readonly store: DocumentStore,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async receive(
    source: AsyncIterable<Buffer>,
    originalName: string | undefined,
    partType: string | undefined,
  ): Promise<ReceivedFile> {
    const { fileName, extension } = checkFileName(originalName);
    const mediaType = declaredMediaType(extension, partType);
    const inspector = new ContentInspector(mediaType, this.config.documentMaxBytes);
    const blob = await this.store.put(source, {
      chunk: (c) => inspector.chunk(c),
      end: async (b) => {
        await inspector.end(b);
        // MALWARE SCANNING goes here, and only here: a scanner (e.g. clamd INSTREAM) is fed the same
        // chunks in `chunk` above and gives its verdict now, before the blob's transaction commits,
        // so an infected file is refused like any other (DOCUMENT_REJECTED) and nothing is kept.
      },
    });
    // a cheap moment to clear what a crash between storing and claiming left behind
    await this.store.sweepUnclaimed(new Date(this.clock.now().getTime() - ABANDONED_AFTER_MS));
    return { blobId: blob.id, fileName, mediaType, size: blob.size, sha256: blob.sha256 };
  }

  /** The bytes of a received file that no document record took (the request failed afterwards). */
  discard(file: Pick<ReceivedFile, 'blobId'>): Promise<void> {
    return this.store.discard(file.blobId);
  }
}
