export * from './tendering.module';
export * from './tendering-queries.service';
export * from './tenders.service';
export * from './bids.service';
export * from './bid-queries.service';
export * from './bid-views';
export * from './bid-rules';
export * from './clarifications.service';
export * from './evaluation.service';
export * from './representations.service';
export * from './bid-receipts.service';
export * from './tender-documents.service';
export * from './bid-documents.service';
export * from './document-access.service';
export {
  TENDER_STATUSES,
  BID_OUTCOMES,
  tenderStatusOf,
  statesOfTenderStatus,
  type TenderStatus,
  type BidOutcome,
} from './tender-status';
export {
  BID_STATUSES,
  BID_ACTIONS,
  REPRESENTATION_STATUSES,
  type BidStatus,
  type BidAction,
  type BidResponses,
  type RepresentationStatus,
  type RepresentationOutcome,
} from './tendering.entities';
export { TenderingCaseParts, BIDDER_NOTICES, ALL_PROVIDERS_NOTICES } from './tendering-case-parts';
