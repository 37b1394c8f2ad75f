import { describe, expect, it } from 'vitest';
import { localizedReason } from '../../renderer/src/features/attention/attention-model';
import { REJECTION_MESSAGES } from '../../shared/sync/rejections';

describe('the reason of a refused write', () => {
  it('is worded from its key in the language shown now, whatever language the server answered in', () => {
    const item = { reason: 'deal_closed', message: REJECTION_MESSAGES.deal_closed['zh-CN'] };
    expect(localizedReason(item, 'en')).toBe('This deal is already closed.');
    expect(localizedReason(item, 'zh-CN')).toBe('该商机已关闭。');
  });

  it('does not depend on the message text: an edited wording still finds its reason', () => {
    expect(localizedReason({ reason: 'task_not_open', message: 'Some older wording of this refusal.' }, 'en')).toBe(REJECTION_MESSAGES.task_not_open.en);
  });

  it('shows the message as sent when the key is unknown to this build or absent', () => {
    expect(localizedReason({ reason: 'a_reason_from_a_newer_server', message: 'Newer text' }, 'en')).toBe('Newer text');
    expect(localizedReason({ reason: null, message: REJECTION_MESSAGES.deal_closed.en }, 'zh-CN')).toBe(REJECTION_MESSAGES.deal_closed.en);
    expect(localizedReason({ reason: null, message: null }, 'en')).toBeNull();
  });
});
