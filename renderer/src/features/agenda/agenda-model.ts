import type { FirstResponseState } from '../../../../shared/domain/clocks';
import { AGENDA_SECTIONS, type AgendaSection, type FirstResponseClockView, type IpcRequest } from '../../../../shared/ipc/contract';

/** Rows a card shows before "show all"; then it pages this many at a time. */
export const CARD_PREVIEW = 8;
export const CARD_PAGE = 25;

export interface CardPaging {
  expanded: boolean;
  /** 1-based, used while expanded. */
  page: number;
}

export const COLLAPSED: CardPaging = { expanded: false, page: 1 };

/** The page of one card's items to ask the read model for. */
export function sectionPage(paging: CardPaging): { limit: number; offset: number } {
  return paging.expanded ? { limit: CARD_PAGE, offset: (paging.page - 1) * CARD_PAGE } : { limit: CARD_PREVIEW, offset: 0 };
}

export function agendaRequest(paging: Record<AgendaSection, CardPaging>): IpcRequest<'agenda.today'> {
  return {
    firstResponse: sectionPage(paging.firstResponse),
    tasksDue: sectionPage(paging.tasksDue),
    stallingDeals: sectionPage(paging.stallingDeals),
    meetingsToday: sectionPage(paging.meetingsToday),
  };
}

/** A page that no longer exists (items were done or moved on) falls back to the last one. */
export function clampPage(paging: CardPaging, total: number): CardPaging {
  if (!paging.expanded) return paging;
  const last = Math.max(1, Math.ceil(total / CARD_PAGE));
  return paging.page > last ? { ...paging, page: last } : paging;
}

/** Every card's paging kept within its total; the same object when nothing had to move (no re-render). */
export function clampAll(paging: Record<AgendaSection, CardPaging>, totals: Record<AgendaSection, number>): Record<AgendaSection, CardPaging> {
  let next = paging;
  for (const section of AGENDA_SECTIONS) {
    const clamped = clampPage(paging[section], totals[section]);
    if (clamped !== paging[section]) next = { ...next, [section]: clamped };
  }
  return next;
}

/** Whether a card has more than it shows collapsed. */
export function hasMore(total: number): boolean {
  return total > CARD_PREVIEW;
}

export const FIRST_RESPONSE_COLOR: Record<FirstResponseState, string> = {
  answered: 'teal',
  healthy: 'teal',
  running: 'yellow',
  late: 'red',
  breached: 'red',
};

type FirstResponseLabelKey =
  | 'agenda.firstResponse.left'
  | 'agenda.firstResponse.reviewSoon'
  | 'agenda.firstResponse.overdue'
  | 'agenda.firstResponse.answered';

/** What a first-response badge says: the translation key and the span it formats (from the read model's clock). */
export function firstResponseLabel(clock: FirstResponseClockView): { key: FirstResponseLabelKey; ms: number } {
  switch (clock.state) {
    case 'healthy':
    case 'running':
      return { key: 'agenda.firstResponse.left', ms: clock.msLeft };
    case 'late':
      return { key: 'agenda.firstResponse.reviewSoon', ms: clock.msLeft };
    case 'breached':
      return { key: 'agenda.firstResponse.overdue', ms: Math.abs(clock.msLeft) };
    case 'answered':
      return { key: 'agenda.firstResponse.answered', ms: 0 };
  }
}
