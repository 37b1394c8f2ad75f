import type { PipelineSummary } from '../../../../shared/ipc/contract';

type StageAmounts = PipelineSummary['stages'][number]['amounts'];

/**
 * A stage card's money, one figure per currency (never a sum across
 * currencies): the largest first, or null when the stage has no open deal.
 */
export function amountLines(amounts: StageAmounts, money: (amount: number, currency: string) => string): string[] | null {
  if (amounts.length === 0) return null;
  return [...amounts].sort((a, b) => b.amount - a.amount || a.currency.localeCompare(b.currency)).map((a) => money(a.amount, a.currency));
}
