import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { DocumentUploads, ReceivedFile } from './document-uploads.service';

/** The part of a multipart file multer hands a storage engine. */
interface MulterFile {
  fieldname: string;
  originalname: string;
  mimetype: string;
  stream: Readable;
}

/**
 * A multer storage engine (multer's `StorageEngine` contract: `_handleFile`, `_removeFile`) that
 * streams the file into the document store through the content checks: the request never holds
 * more of the document than the chunk being written and the signature bytes.
 */
@Injectable()
export class DocumentUploadEngine {
  constructor(private readonly uploads: DocumentUploads) {}

  _handleFile(_req: Request, file: MulterFile, cb: (error?: unknown, info?: Partial<ReceivedFile>) => void): void {
    this.uploads.receive(undestroyed(file.stream), file.originalname, file.mimetype).then(
      (received) => cb(null, received),
      (error) => {
        // the rest of the part is not wanted: discard it as it arrives, so multer ends with our error
        file.stream.resume();
        cb(error);
      },
    );
  }

  _removeFile(_req: Request, file: Partial<ReceivedFile>, cb: (error: Error | null) => void): void {
    if (!file.blobId) return cb(null);
    this.uploads.discard({ blobId: file.blobId }).then(
      () => cb(null),
      (e: Error) => cb(e),
    );
  }
}

/**
 * The part's bytes without `return()`: leaving the loop early (a refusal) must not destroy multer's
 * file stream, or multer would fail the request with the stream's own error instead of ours.
 */
function undestroyed(stream: Readable): AsyncIterable<Buffer> {
  return {
    [Symbol.asyncIterator]() {
      const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      return { next: () => it.next() };
    },
  };
}
