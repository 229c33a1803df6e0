import coreReleaseSchema from './standard/release-schema.json';
import bidsPatch from './standard/extensions/bids/release-schema.json';
import enquiriesPatch from './standard/extensions/enquiries/release-schema.json';
import { applyMergePatch, type JsonObject } from './json';
import { mergeRulesFromSchema, type MergeRules } from './merge-rules';

/** The OCDS version packages declare ("1.1"; the schemas are those of 1.1.5). */
export const OCDS_VERSION = '1.1';

/**
 * The extensions this publisher declares, as the URLs of their extension.json at the commits whose
 * schemas the project keeps (see standard/NOTICE.md): bid statistics (statistics only) and enquiries.
 */
export const OCDS_EXTENSION_URLS = [
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/d62ff4b/extension.json',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/e278d5b/extension.json',
] as const;

/** The 1.1.5 release schema with the two extensions applied as JSON Merge Patches, in declared order. */
export const OCDS_EXTENDED_RELEASE_SCHEMA: JsonObject = [bidsPatch, enquiriesPatch].reduce<JsonObject>(
  (schema, patch) => applyMergePatch(schema, patch as unknown as JsonObject) as JsonObject,
  coreReleaseSchema as unknown as JsonObject,
);

/** The merge rules that compiled and versioned releases of this publisher follow. */
export const OCDS_MERGE_RULES: MergeRules = mergeRulesFromSchema(OCDS_EXTENDED_RELEASE_SCHEMA);
