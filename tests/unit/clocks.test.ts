import { describe, expect, it } from 'vitest';
import { daysInStage, isStalling, STALL_AFTER_WORKING_DAYS, workingDaysBetween } from '../../shared/domain/clocks';

// 2026-11-20 is a Friday.
const friday = new Date('2026-11-20T10:00:00Z');
const days = (n: number) => new Date(friday.getTime() + n * 86_400_000);

describe('working days', () => {
  it('skips weekends', () => {
    expect(workingDaysBetween(friday, days(2))).toBe(0); // Sunday
    expect(workingDaysBetween(friday, days(4))).toBe(2); // Tuesday
    expect(workingDaysBetween(friday, days(7))).toBe(5); // next Friday
    expect(workingDaysBetween(days(3), friday)).toBe(0);
  });
});

describe('the stall alert', () => {
  const deal = { outcome: 'open', stageEnteredAt: friday.toISOString() };
  it(`fires after ${STALL_AFTER_WORKING_DAYS} working days, not calendar days`, () => {
    expect(isStalling(deal, days(6))).toBe(false); // Thursday: 4 working days
    expect(isStalling(deal, days(7))).toBe(true);
  });
  it('never fires for a closed deal', () => {
    expect(isStalling({ ...deal, outcome: 'won' }, days(30))).toBe(false);
  });
  it('measures the heat map in calendar days', () => {
    expect(daysInStage(friday.toISOString(), days(7))).toBe(7);
  });
});
