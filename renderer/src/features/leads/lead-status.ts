import type { LeadStatus } from '../../../../shared/domain/enums';

export const STATUS_COLOR: Record<LeadStatus, string> = {
  new: 'blue',
  assigned: 'cyan',
  contacted: 'teal',
  qualified: 'green',
  pending_review: 'red',
  public_pool: 'gray',
  converted: 'violet',
  disqualified: 'gray',
};
