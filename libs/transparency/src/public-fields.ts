/**
 * The privacy rule, written down once: what each field of a public document (a notice, a record in
 * the register of decisions, the annual summary) may contain. Everything published goes through
 * `toPublic`, which keeps only the fields listed here, checks each value against its kind, and
 * redacts e-mail addresses from any text. No kind exists for a bid id, a bid's price, a bid's
 * responses or a person's contact details, so none of them can be published.
 */

/** The kinds of value a public field may hold. */
export type FieldKind =
  /** a person's or organisation's name, a title, a role: plain text, e-mail addresses redacted */
  | 'name'
  /** text a person typed for publication (a justification, a cancellation note): e-mail addresses redacted */
  | 'freeText'
  /** a value from a fixed vocabulary or identifier scheme (route, notice type, CPV, ODS code, ocid) */
  | 'code'
  /** the id of a case, a consortium or a notice (never a bid's, a person's or a provider's) */
  | 'publicId'
  /** an ISO 8601 instant */
  | 'instant'
  /** a calendar date, YYYY-MM-DD */
  | 'date'
  | 'number'
  | 'boolean'
  /** a path or URL on this API */
  | 'link'
  /** a contract's value as awarded or estimated by the commissioner: never a bid price that lost */
  | 'contractValue';

export type FieldRule =
  | FieldKind
  | { object: Record<string, FieldRule> }
  | { list: FieldRule }
  | { nullable: FieldRule }
  | { optional: FieldRule };

export const nullable = (r: FieldRule): FieldRule => ({ nullable: r });
export const optional = (r: FieldRule): FieldRule => ({ optional: r });
export const list = (r: FieldRule): FieldRule => ({ list: r });
export const object = (fields: Record<string, FieldRule>): FieldRule => ({ object: fields });

// any word with an @ in it: stricter than an address grammar, so no address form slips through
const EMAIL = /\S*@\S*/g;
export const REDACTED_EMAIL = '[e-mail address removed]';

/** Text with every e-mail address replaced. */
export const redactEmails = (s: string): string => s.replace(EMAIL, REDACTED_EMAIL);

export class PrivacyRuleError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Za-z0-9_.:/-]{1,100}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LINK = /^(https?:\/\/[^\s]+|\/[^\s]*)$/;

function leaf(kind: FieldKind, v: unknown, path: string): unknown {
  const fail = (what: string) => {
    throw new PrivacyRuleError(path, `${what} expected, got ${JSON.stringify(v)}`);
  };
  switch (kind) {
    case 'name':
    case 'freeText':
      if (typeof v !== 'string') fail('text');
      return redactEmails(v as string);
    case 'code':
      if (typeof v !== 'string' || !CODE.test(v)) fail('a code');
      return v;
    case 'publicId':
      if (typeof v !== 'string' || !UUID.test(v)) fail('an id');
      return v;
    case 'instant':
      if (typeof v !== 'string' || !ISO_INSTANT.test(v)) fail('an ISO instant');
      return v;
    case 'date':
      if (typeof v !== 'string' || !DATE.test(v)) fail('a date');
      return v;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) fail('a number');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') fail('a boolean');
      return v;
    case 'link':
      if (typeof v !== 'string' || !LINK.test(v)) fail('a link');
      return v;
    case 'contractValue': {
      const m = v as { amount?: unknown; currency?: unknown };
      if (typeof m !== 'object' || m === null || typeof m.amount !== 'number' || m.currency !== 'GBP') fail('Money');
      return { amount: m.amount as number, currency: 'GBP' };
    }
  }
}

/**
 * The public form of `value` under `rule`: unlisted fields are dropped, listed ones checked and their
 * text redacted. A value of the wrong kind is a programming error (PrivacyRuleError), never published.
 */
export function toPublic<T = unknown>(rule: FieldRule, value: unknown, path = '$'): T {
  if (typeof rule === 'string') return leaf(rule, value, path) as T;
  if ('nullable' in rule)
    return (value === null || value === undefined ? null : toPublic(rule.nullable, value, path)) as T;
  if ('optional' in rule) return (value === undefined ? undefined : toPublic(rule.optional, value, path)) as T;
  if ('list' in rule) {
    if (!Array.isArray(value)) throw new PrivacyRuleError(path, 'a list expected');
    return value.map((v, i) => toPublic(rule.list, v, `${path}[${i}]`)) as T;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PrivacyRuleError(path, 'an object expected');
  const out: Record<string, unknown> = {};
  for (const [key, r] of Object.entries(rule.object)) {
    const v = toPublic(r, (value as Record<string, unknown>)[key], `${path}.${key}`);
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}

// ---- the public documents ----

const money = 'contractValue' as const;

/** How a provider is named in public: what the regulations ask (name and address) and its registrations. */
export const PUBLIC_PROVIDER = object({
  name: 'name',
  address: nullable(
    object({
      streetAddress: 'name',
      locality: 'name',
      region: optional('name'),
      postalCode: 'name',
      countryName: 'name',
    }),
  ),
  odsCode: nullable('code'),
  companiesHouseNumber: nullable('code'),
});

/** Who decided: a name and the part they played (never a contact detail or a person id). */
export const PUBLIC_DECISION_MAKER = object({ name: 'name', role: 'name', decisions: list('name') });

/** A declared or detected conflict of the panel, or a nil return, and how it was managed. */
export const PUBLIC_CONFLICT = object({
  person: 'name',
  kind: 'code',
  interest: nullable('freeText'),
  organisation: nullable('name'),
  mitigation: nullable('code'),
  reviewedBy: nullable('name'),
});

const CRITERION = object({ key: 'code', weight: 'number' });
const SCORED_CRITERION = object({ key: 'code', weight: 'number', awardeeWeightedScore: nullable('number') });

export const TENDER_NOTICE_CONTENT = object({
  title: 'name',
  reference: 'code',
  buyer: 'name',
  serviceName: 'name',
  serviceDescription: nullable('freeText'),
  cpvCode: nullable('code'),
  estimatedAnnualValue: money,
  termMonths: 'number',
  lifetimeValue: money,
  criteria: list(CRITERION),
  tenderPeriod: object({ startDate: 'instant', endDate: nullable('instant') }),
  reason: optional('freeText'),
  bidsTo: 'link',
  questionsTo: 'link',
});

export const INTENTION_CONTENT = object({
  title: 'name',
  reference: 'code',
  awardees: list(PUBLIC_PROVIDER),
  serviceDescription: nullable('freeText'),
  cpvCode: nullable('code'),
  lifetimeValue: money,
  decisionMakers: list(PUBLIC_DECISION_MAKER),
  reasons: object({
    justification: 'freeText',
    routeRationale: nullable('freeText'),
    criteria: optional(list(SCORED_CRITERION)),
    awardeeWeightedScore: optional(nullable('number')),
  }),
  conflicts: list(PUBLIC_CONFLICT),
  route: 'code',
  standstillEndsAt: nullable('instant'),
  standstillPaused: optional('boolean'),
  representationsTo: object({ route: 'link', consortium: 'name' }),
});

export const AWARD_CONFIRMATION_CONTENT = object({
  title: 'name',
  reference: 'code',
  awardees: list(PUBLIC_PROVIDER),
  route: 'code',
  lifetimeValue: money,
  awardedAt: 'instant',
  contractPeriod: object({ startDate: 'date', endDate: 'date' }),
  intentionNoticeId: nullable('publicId'),
});

export const CANCELLATION_CONTENT = object({
  title: 'name',
  reference: 'code',
  reasonCode: 'code',
  note: nullable('freeText'),
  cancelledAt: 'instant',
  stage: 'code',
});

export const NOTICE_CONTENT = {
  tender_notice: TENDER_NOTICE_CONTENT,
  intention_to_award: INTENTION_CONTENT,
  award_confirmation: AWARD_CONFIRMATION_CONTENT,
  cancellation: CANCELLATION_CONTENT,
} as const;

export const PUBLIC_NOTICE = (type: keyof typeof NOTICE_CONTENT): FieldRule =>
  object({
    id: 'publicId',
    caseId: 'publicId',
    ocid: 'code',
    type: 'code',
    publishedAt: 'instant',
    corrects: nullable('publicId'),
    content: NOTICE_CONTENT[type],
    text: 'freeText',
  });

export const PUBLIC_DECISION_RECORD = object({
  caseId: 'publicId',
  ocid: 'code',
  consortium: object({ id: 'publicId', name: 'name' }),
  service: object({
    title: 'name',
    name: 'name',
    description: nullable('freeText'),
    cpvCode: nullable('code'),
  }),
  route: nullable('code'),
  routeRationale: nullable('freeText'),
  decisionMakers: list(PUBLIC_DECISION_MAKER),
  conflicts: list(PUBLIC_CONFLICT),
  criteria: list(CRITERION),
  bids: optional(object({ received: 'number' })),
  result: object({
    status: 'code',
    awardees: optional(list(PUBLIC_PROVIDER)),
    value: optional(money),
    decidedAt: 'instant',
  }),
  representations: list(object({ lodgedAt: 'instant', outcome: 'code' })),
  links: object({
    notices: list(object({ id: 'publicId', type: 'code', publishedAt: 'instant', href: 'link' })),
    auditVerification: 'link',
  }),
});

export const PUBLIC_AUDIT_VERIFICATION = object({
  caseId: 'publicId',
  valid: 'boolean',
  length: 'number',
  firstInvalidSeq: nullable('number'),
  headHash: nullable('code'),
});

export const PUBLIC_SUMMARY = object({
  consortiumId: nullable('publicId'),
  year: 'number',
  contractsPerRoute: object({ competitive: 'number', direct_award_c: 'number', most_suitable_provider: 'number' }),
  contracts: 'number',
  newProviders: list(object({ name: 'name' })),
  providersNoLongerContracted: list(object({ name: 'name' })),
  representations: object({ received: 'number', upheld: 'number', notUpheld: 'number', open: 'number' }),
});
