import type { AttentionItem } from '../../../../shared/ipc/contract';
import { mutators, type MutationName } from '../../../../shared/sync/mutations';
import { isRejectionReason, rejectionMessage } from '../../../../shared/sync/rejections';
import type { z } from 'zod';

type Args<N extends MutationName> = z.output<(typeof mutators)[N]['args']>;

/** A refused write, with its arguments parsed by the same schema that queued them. */
export type AttentionKind =
  | { kind: 'lead.update@1'; args: Args<'lead.update@1'> }
  | { kind: 'deal.moveStage@1'; args: Args<'deal.moveStage@1'> }
  | { kind: 'lead.logTouch@1'; args: Args<'lead.logTouch@1'> }
  | { kind: 'other' };

export function classify(item: AttentionItem): AttentionKind {
  switch (item.name) {
    case 'lead.update@1': {
      const parsed = mutators['lead.update@1'].args.safeParse(item.args);
      return parsed.success ? { kind: 'lead.update@1', args: parsed.data } : { kind: 'other' };
    }
    case 'deal.moveStage@1': {
      const parsed = mutators['deal.moveStage@1'].args.safeParse(item.args);
      return parsed.success ? { kind: 'deal.moveStage@1', args: parsed.data } : { kind: 'other' };
    }
    case 'lead.logTouch@1': {
      const parsed = mutators['lead.logTouch@1'].args.safeParse(item.args);
      return parsed.success ? { kind: 'lead.logTouch@1', args: parsed.data } : { kind: 'other' };
    }
    default:
      return { kind: 'other' };
  }
}

/** Translation keys naming each kind of change; checked by the typed t(). */
export const MUTATION_LABELS = {
  'lead.create@1': 'attention.kinds.leadCreate',
  'lead.update@1': 'attention.kinds.leadUpdate',
  'lead.assign@1': 'attention.kinds.leadAssign',
  'lead.logTouch@1': 'attention.kinds.leadLogTouch',
  'deal.moveStage@1': 'attention.kinds.dealMoveStage',
  'task.create@1': 'attention.kinds.taskCreate',
  'task.complete@1': 'attention.kinds.taskComplete',
} as const satisfies Record<MutationName, string>;

export function mutationLabelKey(name: string): (typeof MUTATION_LABELS)[MutationName] | 'attention.kinds.unknown' {
  return Object.prototype.hasOwnProperty.call(MUTATION_LABELS, name) ? MUTATION_LABELS[name as MutationName] : 'attention.kinds.unknown';
}

/**
 * The refusal's reason in the current UI language. The server words it in the
 * language of the push, which may not be the one shown now, and sends the
 * reason's key with it: a key this build knows is worded afresh, anything
 * else is shown as sent.
 */
export function localizedReason(item: Pick<AttentionItem, 'reason' | 'message'>, language: string): string | null {
  return isRejectionReason(item.reason) ? rejectionMessage(item.reason, language) : item.message;
}
