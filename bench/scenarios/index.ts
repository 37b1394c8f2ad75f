import type { BenchScenario } from '../scenario';
import { firstSync } from './first-sync';
import { liveEdit } from './live-edit';
import { livePropagation } from './live-propagation';
import { seed100k } from './seed-100k';

/** Every scenario `npm run bench` knows, in the order they run. Add new ones here. */
export const scenarios: readonly BenchScenario[] = [seed100k, firstSync, livePropagation, liveEdit];
