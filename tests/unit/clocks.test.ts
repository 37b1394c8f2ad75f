import { describe, expect, it } from 'vitest';
import {
  daysInStage,
  DEFAULT_STAGE_TARGET_DWELL_DAYS,
  firstResponseClock,
  heatLevel,
  isStalling,
  STALL_AFTER_WORKING_DAYS,
  stallCutoff,
  workingDaysBetween,
  workingMsBetween,
} from '../../shared/domain/clocks';

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

describe('the stall cutoff', () => {
  it('agrees with the working-day count for every entry time around weekends', () => {
    // Every 37 minutes over three weeks, against "now"s on each weekday and weekend day.
    const base = Date.parse('2026-11-01T00:00:00Z');
    for (let n = 0; n < 7; n++) {
      const now = new Date(base + 21 * 86_400_000 + n * 86_400_000 + n * 3_600_000 * 3);
      const cutoff = stallCutoff(now).getTime();
      for (let at = base; at < now.getTime(); at += 37 * 60_000) {
        const stalls = workingMsBetween(new Date(at), now) >= STALL_AFTER_WORKING_DAYS * 86_400_000;
        expect(at <= cutoff, new Date(at).toISOString()).toBe(stalls);
      }
    }
  });
  it('skips the weekend: five working days back from Tuesday 10:00 is the Tuesday before', () => {
    expect(stallCutoff(new Date('2026-11-24T10:00:00Z')).toISOString()).toBe('2026-11-17T10:00:00.000Z');
    // From Sunday noon: the weekend counts nothing, so back to Monday 00:00 of that week.
    expect(stallCutoff(new Date('2026-11-22T12:00:00Z')).toISOString()).toBe('2026-11-16T00:00:00.000Z');
  });
});

describe('the first-response clock', () => {
  const assignedAt = '2026-11-20T10:00:00.000Z';
  const lead = { assignedAt, createdAt: '2026-11-20T08:00:00.000Z', firstTouchAt: null };
  const at = (hours: number) => new Date(Date.parse(assignedAt) + hours * 3_600_000);

  it('runs from the assignment through healthy, running, late and breached', () => {
    expect(firstResponseClock(lead, at(1)).state).toBe('healthy');
    expect(firstResponseClock(lead, at(3))).toMatchObject({ state: 'running', msLeft: 21 * 3_600_000 });
    expect(firstResponseClock(lead, at(30))).toMatchObject({ state: 'late', msLeft: 18 * 3_600_000 });
    expect(firstResponseClock(lead, at(50))).toMatchObject({ state: 'breached', msLeft: -26 * 3_600_000 });
    expect(firstResponseClock({ ...lead, firstTouchAt: at(5).toISOString() }, at(50)).state).toBe('answered');
  });
  it('starts at creation for a lead never assigned', () => {
    expect(firstResponseClock({ ...lead, assignedAt: null }, at(0)).startedAt).toBe(lead.createdAt);
  });
  it('opens the 2 h review window when the breaker trips (48 h after the start), whatever the last update', () => {
    expect(firstResponseClock(lead, at(60))).toMatchObject({
      reviewAt: '2026-11-22T10:00:00.000Z',
      decideBy: '2026-11-22T12:00:00.000Z',
    });
  });
});

describe('the heat level', () => {
  const target = DEFAULT_STAGE_TARGET_DWELL_DAYS;
  it('is cool within target, warm beyond it and hot from twice the target', () => {
    expect(heatLevel(0.2, target)).toBe('cool');
    expect(heatLevel(target, target)).toBe('cool');
    expect(heatLevel(target + 0.1, target)).toBe('warm');
    expect(heatLevel(2 * target, target)).toBe('hot');
    expect(heatLevel(84, target)).toBe('hot');
  });
});
