import type { HeatLevel } from '../../../../shared/domain/clocks';

/** Colours of the heat levels the read model decides (shared/domain/clocks.ts). */
export const HEAT_COLOR: Record<HeatLevel, string> = { cool: 'teal', warm: 'yellow', hot: 'red' };

/** Yellow badges need dark text to stay readable. */
export function heatTextColor(level: HeatLevel): string | undefined {
  return level === 'warm' ? 'dark' : undefined;
}
