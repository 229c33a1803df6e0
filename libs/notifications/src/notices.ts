import type { CaseContext, NoticeKind } from '@makebuy/domain';

/** Kinds of notification a person can receive: case notices, deadline reminders and escalations,
 * and the annual declaration reminder (conflicts). */
export type NotificationKind =
  | NoticeKind
  | 'deadline_reminder'
  | 'deadline_escalation'
  | 'annual_declaration_due'
  /** a bidder's debrief when the intention to award is published (transparency) */
  | 'debrief';

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

/** Texts of instants already formatted (bounded). */
const LONDON_TEXT = new Map<string, string>();

/** An instant as a person in England reads it, with the ISO 8601 instant beside it:
 * "14:00 GMT on Tuesday 1 December 2026 (2026-12-01T14:00:00.000Z)". */
export function londonInstant(iso: string): string {
  const known = LONDON_TEXT.get(iso);
  if (known !== undefined) return known;
  const p = Object.fromEntries(LONDON.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  const text = `${p.hour}:${p.minute} ${p.timeZoneName} on ${p.weekday} ${p.day} ${p.month} ${p.year} (${new Date(iso).toISOString()})`;
  // a storm of closes names the same few instants thousands of times (Intl formatting is not cheap)
  if (LONDON_TEXT.size >= 1000) LONDON_TEXT.delete(LONDON_TEXT.keys().next().value as string);
  LONDON_TEXT.set(iso, text);
  return text;
}

export interface NoticeCase {
  id: string;
  title: string;
  serviceName: string;
  /** the commissioning consortium, named in the notice */
  consortiumName?: string | null;
  state: string;
  context: Pick<CaseContext, 'tenderClosesAt' | 'stageSeq' | 'cancellation'>;
}

export interface NoticeText {
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/**
 * The words of each case notice. Only what every recipient may know: never a bid count, a
 * bidder's name or anything else sealed until tendering closes (bidders receive these too).
 */
export function noticeText(notice: NoticeKind, c: NoticeCase): NoticeText {
  const name = `"${c.title}" (${c.serviceName}${c.consortiumName ? `, ${c.consortiumName}` : ''})`;
  const closes = c.context.tenderClosesAt ? londonInstant(c.context.tenderClosesAt) : null;
  const data: Record<string, unknown> = { notice, caseId: c.id, state: c.state };
  switch (notice) {
    case 'tender_published':
      return {
        title: `Tender published: ${c.title}`,
        body: `The tender for ${name} is open for bids${closes ? ` until ${closes}` : ''}.`,
        data: { ...data, tenderClosesAt: c.context.tenderClosesAt },
      };
    case 'tender_extended':
      return {
        title: `Tender extended: ${c.title}`,
        body: `A clarification question is still unanswered, so tendering for ${name} now closes at ${closes}.`,
        data: { ...data, tenderClosesAt: c.context.tenderClosesAt },
      };
    case 'tender_closed':
      return {
        title: `Tender closed: ${c.title}`,
        body: `Tendering for ${name} has closed and the bids are under evaluation.`,
        data,
      };
    case 'tender_unsuccessful':
      return {
        title: `Tender unsuccessful: ${c.title}`,
        body: `Tendering for ${name} has closed without enough bids; the procurement ends unsuccessful.`,
        data,
      };
    case 'intention_to_award':
      return {
        title: `Intention to award: ${c.title}`,
        body: `An intention to award ${name} has been published. The standstill period has started; bidders may make written representations until it ends.`,
        data,
      };
    case 'standstill_paused':
      return {
        title: `Standstill paused: ${c.title}`,
        body: `A representation was made about ${name}; the standstill is paused while governance reviews it.`,
        data,
      };
    case 'standstill_resumed':
      return {
        title: `Standstill resumed: ${c.title}`,
        body: `The representations about ${name} were not upheld; a further standstill period has started.`,
        data,
      };
    case 'awarded':
      return {
        title: `Contract awarded: ${c.title}`,
        body: `The standstill for ${name} has ended and the award is final.`,
        data,
      };
    case 'cancelled':
      return {
        title: `Procurement cancelled: ${c.title}`,
        body: `${name} has been cancelled${c.context.cancellation ? ` (reason: ${c.context.cancellation.reasonCode.replace(/_/g, ' ')})` : ''}.`,
        data: { ...data, reasonCode: c.context.cancellation?.reasonCode ?? null },
      };
    case 'award_rejected':
      return {
        title: `Award not approved: ${c.title}`,
        body: `The proposed award for ${name} did not go ahead; the case has gone back to ${c.state.replace(/_/g, ' ')}.`,
        data,
      };
    case 'tender_amended':
      return {
        title: `Tender amended: ${c.title}`,
        body: `The tender for ${name} was amended; tendering now closes at ${c.context.tenderClosesAt}.`,
        data: { ...data, tenderClosesAt: c.context.tenderClosesAt },
      };
    case 'tender_document_changed':
      return {
        title: `Tender document changed: ${c.title}`,
        body: `A document of the tender for ${name} was added or replaced. Tendering still closes at ${c.context.tenderClosesAt}.`,
        data: { ...data, tenderClosesAt: c.context.tenderClosesAt },
      };
    case 'governance_review_needed':
      return {
        title: `Governance review needed: ${c.title}`,
        body: `The award checks for ${name} raised blocking flags; a governance officer must review them before the award can proceed.`,
        data,
      };
  }
}
