import { fromBuffer } from 'file-type';
import { ChunkCheck } from './document-store';
import { MediaType, rejected, TEXT_MEDIA_TYPES } from './content-policy';

/** Bytes kept from the start of a binary document for its signature (zip-based types need a few entries). */
export const SIGNATURE_BYTES = 1024 * 1024;

/**
 * The content checks, run on the bytes as they stream in: size limit (refused at the first byte
 * over it, before the rest is read), UTF-8 without NUL for text, and at the end an empty file or a
 * binary signature that does not match the declared type. Holds at most SIGNATURE_BYTES.
 */
export class ContentInspector implements ChunkCheck {
  private size = 0;
  private readonly text: boolean;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private head: Buffer[] = [];
  private headBytes = 0;

  constructor(
    private readonly mediaType: MediaType,
    private readonly maxBytes: number,
  ) {
    this.text = TEXT_MEDIA_TYPES.includes(mediaType);
  }

  chunk(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      throw rejected('too_large', `documents may be at most ${this.maxBytes} bytes`, { maxBytes: this.maxBytes });
    }
    if (this.text) {
      if (chunk.includes(0)) throw rejected('contains_nul', 'a text document must not contain NUL bytes');
      this.decode(chunk, true);
    } else if (this.headBytes < SIGNATURE_BYTES) {
      const take = chunk.subarray(0, SIGNATURE_BYTES - this.headBytes);
      this.head.push(Buffer.from(take));
      this.headBytes += take.length;
    }
  }

  async end(blob: { size: number }): Promise<void> {
    if (blob.size === 0) throw rejected('empty', 'the file is empty');
    if (this.text) {
      this.decode(new Uint8Array(0), false);
      return;
    }
    const detected = await fromBuffer(Buffer.concat(this.head));
    this.head = [];
    if (detected?.mime !== this.mediaType) {
      throw rejected(
        'signature_mismatch',
        `the content is ${detected ? detected.mime : 'of no recognised type'}, not ${this.mediaType}`,
        { declared: this.mediaType, detected: detected?.mime ?? null },
      );
    }
  }

  private decode(bytes: Uint8Array, stream: boolean): void {
    try {
      this.decoder.decode(bytes, { stream });
    } catch {
      throw rejected('not_utf8', 'a text document must be valid UTF-8');
    }
  }
}
