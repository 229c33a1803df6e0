import { DomainError } from '@makebuy/domain';

/** The media types a document may have, by file extension (the name a reader downloads). */
export const MEDIA_TYPES = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  csv: 'text/csv',
  txt: 'text/plain',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
} as const;
export type MediaType = (typeof MEDIA_TYPES)[keyof typeof MEDIA_TYPES];
export const ALLOWED_MEDIA_TYPES: readonly MediaType[] = [...new Set(Object.values(MEDIA_TYPES))];

/** Text types: checked as UTF-8 without NUL, not by signature. */
export const TEXT_MEDIA_TYPES: readonly MediaType[] = ['text/csv', 'text/plain'];

/** Part types that say nothing about the content (the file name decides). */
const GENERIC_PART_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);
/** What clients commonly send for a CSV besides text/csv. */
const CSV_ALIASES = new Set([
  'application/vnd.ms-excel',
  'text/plain',
  'application/csv',
  'text/comma-separated-values',
]);

export type RejectionReason =
  | 'too_large'
  | 'empty'
  | 'media_type_not_allowed'
  | 'media_type_mismatch'
  | 'signature_mismatch'
  | 'not_utf8'
  | 'contains_nul'
  | 'file_name';

/** 422 DOCUMENT_REJECTED with a reason; nothing is stored. */
export function rejected(reason: RejectionReason, message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('DOCUMENT_REJECTED', message, { reason, ...details });
}

// C0 and C1 controls, DEL, and the bidirectional overrides that make a name read differently
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * A file name as readers will download it: no path parts, no control characters, a known extension,
 * at most 255 bytes. Anything else is refused rather than quietly rewritten, so the uploader learns.
 */
export function checkFileName(raw: string | undefined): { fileName: string; extension: keyof typeof MEDIA_TYPES } {
  const name = (raw ?? '').normalize('NFC').trim();
  if (!name) throw rejected('file_name', 'the file has no name');
  if (/[/\\]/.test(name) || name.split(/[/\\]/).includes('..'))
    throw rejected('file_name', 'the file name must not contain a path', { fileName: name });
  if (CONTROL.test(name)) throw rejected('file_name', 'the file name contains control characters');
  if (Buffer.byteLength(name) > 255) throw rejected('file_name', 'the file name is longer than 255 bytes');
  const m = /^(.*[^.\s])\.([A-Za-z0-9]+)$/.exec(name);
  const extension = m?.[2].toLowerCase();
  if (!m || !extension || !(extension in MEDIA_TYPES)) {
    throw rejected(
      'media_type_not_allowed',
      `only ${Object.keys(MEDIA_TYPES).join(', ')} files are accepted (by extension)`,
      { fileName: name },
    );
  }
  return { fileName: name, extension: extension as keyof typeof MEDIA_TYPES };
}

/** The declared media type: the file name's, which the part's Content-Type must not contradict. */
export function declaredMediaType(extension: keyof typeof MEDIA_TYPES, partType: string | undefined): MediaType {
  const byName = MEDIA_TYPES[extension];
  const part = (partType ?? '').split(';')[0].trim().toLowerCase();
  if (part === byName || GENERIC_PART_TYPES.has(part)) return byName;
  if (byName === 'text/csv' && CSV_ALIASES.has(part)) return byName;
  if (!(ALLOWED_MEDIA_TYPES as readonly string[]).includes(part)) {
    throw rejected('media_type_not_allowed', `media type ${part} is not accepted`, { mediaType: part });
  }
  throw rejected('media_type_mismatch', `the file is sent as ${part} but named .${extension} (${byName})`, {
    mediaType: part,
    expected: byName,
  });
}
