import { describe, expect, it } from 'vitest';
import { firstResponseClock } from '../../shared/domain/clocks';
import {
  agendaRequest,
  CARD_PAGE,
  clampAll,
  CARD_PREVIEW,
  clampPage,
  COLLAPSED,
  FIRST_RESPONSE_COLOR,
  firstResponseLabel,
  hasMore,
  sectionPage,
} from '../../renderer/src/features/agenda/agenda-model';
import { HEAT_COLOR, heatTextColor } from '../../renderer/src/features/heat-map/heat-model';
import { amountLines } from '../../renderer/src/features/pipeline/pipeline-model';

describe('agenda card paging', () => {
  it('asks for a preview while collapsed and for pages of every item once expanded', () => {
    expect(sectionPage(COLLAPSED)).toEqual({ limit: CARD_PREVIEW, offset: 0 });
    expect(sectionPage({ expanded: true, page: 3 })).toEqual({ limit: CARD_PAGE, offset: 2 * CARD_PAGE });
    expect(agendaRequest({ firstResponse: COLLAPSED, tasksDue: { expanded: true, page: 2 }, stallingDeals: COLLAPSED, meetingsToday: COLLAPSED })).toEqual({
      firstResponse: { limit: CARD_PREVIEW, offset: 0 },
      tasksDue: { limit: CARD_PAGE, offset: CARD_PAGE },
      stallingDeals: { limit: CARD_PREVIEW, offset: 0 },
      meetingsToday: { limit: CARD_PREVIEW, offset: 0 },
    });
  });
  it('falls back to the last page when items left the card', () => {
    expect(clampPage({ expanded: true, page: 4 }, 2 * CARD_PAGE + 1)).toEqual({ expanded: true, page: 3 });
    expect(clampPage({ expanded: true, page: 2 }, 0)).toEqual({ expanded: true, page: 1 });
    expect(clampPage(COLLAPSED, 0)).toBe(COLLAPSED);
    const paging = { firstResponse: COLLAPSED, tasksDue: { expanded: true, page: 2 }, stallingDeals: COLLAPSED, meetingsToday: COLLAPSED };
    expect(clampAll(paging, { firstResponse: 0, tasksDue: 2 * CARD_PAGE, stallingDeals: 0, meetingsToday: 0 })).toBe(paging);
    expect(clampAll(paging, { firstResponse: 0, tasksDue: CARD_PAGE, stallingDeals: 0, meetingsToday: 0 }).tasksDue).toEqual({ expanded: true, page: 1 });
  });
  it('offers "show all" only when the total exceeds the preview', () => {
    expect(hasMore(CARD_PREVIEW)).toBe(false);
    expect(hasMore(CARD_PREVIEW + 1)).toBe(true);
  });
});

describe('first-response badges', () => {
  const start = Date.parse('2026-11-20T10:00:00Z');
  const clockAt = (hours: number) =>
    firstResponseClock({ assignedAt: new Date(start).toISOString(), createdAt: new Date(start).toISOString(), firstTouchAt: null }, new Date(start + hours * 3_600_000));
  it('say what the read model decided, counting toward its mark', () => {
    expect(firstResponseLabel(clockAt(3))).toEqual({ key: 'agenda.firstResponse.left', ms: 21 * 3_600_000 });
    expect(firstResponseLabel(clockAt(30))).toEqual({ key: 'agenda.firstResponse.reviewSoon', ms: 18 * 3_600_000 });
    expect(firstResponseLabel(clockAt(50))).toEqual({ key: 'agenda.firstResponse.overdue', ms: 26 * 3_600_000 });
    expect([clockAt(1), clockAt(3), clockAt(30)].map((c) => FIRST_RESPONSE_COLOR[c.state])).toEqual(['teal', 'yellow', 'red']);
  });
});

describe('stage card money', () => {
  const money = (amount: number, currency: string) => `${currency} ${amount}`;
  it('shows one figure per currency, largest first, never a sum across currencies', () => {
    expect(
      amountLines(
        [
          { currency: 'CNY', amount: 120_000 },
          { currency: 'USD', amount: 250_000 },
        ],
        money,
      ),
    ).toEqual(['USD 250000', 'CNY 120000']);
    expect(amountLines([], money)).toBeNull();
  });
});

describe('heat colours', () => {
  it('give every level a colour and keep yellow readable', () => {
    expect(HEAT_COLOR).toEqual({ cool: 'teal', warm: 'yellow', hot: 'red' });
    expect(heatTextColor('warm')).toBe('dark');
    expect(heatTextColor('hot')).toBeUndefined();
  });
});
