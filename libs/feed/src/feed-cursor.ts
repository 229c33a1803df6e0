import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DomainError } from '@makebuy/domain';

/**
 * Feed cursors are the last position a reader has passed, encrypted (AES-256-GCM, random IV):
 * opaque, different every time, and unforgeable, so neither their value nor their gaps say
 * anything about items the reader cannot see. A cursor the server did not issue is refused.
 */
export class FeedCursorCodec {
  private readonly key: Buffer;

  constructor(serverSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', serverSecret, 'makebuy', 'feed cursor v1', 32));
  }

  encode(position: bigint): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(Buffer.from(position.toString(16), 'utf8')), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
  }

  decode(cursor: string): bigint {
    try {
      const raw = Buffer.from(cursor, 'base64url');
      if (raw.length < 29) throw new Error('short');
      const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      const hex = Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
      if (!/^[0-9a-f]{1,16}$/.test(hex)) throw new Error('not a position');
      return BigInt(`0x${hex}`);
    } catch {
      throw new DomainError('VALIDATION_FAILED', 'after is not a feed cursor from this API', {
        errors: [{ field: 'after', message: 'not a cursor from this API' }],
      });
    }
  }
}
