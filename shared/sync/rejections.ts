import { z } from 'zod';
import { STATED_TIME_WINDOW_DAYS } from '../domain/stated-time';

/**
 * Why the server (or the cockpit, running the same rule) refused a write:
 * the one list of rejection codes and reasons. The reason travels on the wire
 * as a key, and each side words it in the language it shows.
 */

/** The class of a rejection: how the cockpit treats it (fix and resend, discard, compare values…). */
export const REJECTION_CODES = ['validation', 'forbidden', 'not_found', 'conflict', 'gate_blocked', 'unknown_mutation', 'server_error'] as const;
export const RejectionCodeSchema = z.enum(REJECTION_CODES);
export type RejectionCode = z.infer<typeof RejectionCodeSchema>;

export const REJECTION_REASONS = [
  'lead_not_found',
  'deal_not_found',
  'task_not_found',
  'not_your_lead',
  'not_your_deal',
  'not_your_task',
  'nothing_to_change',
  'changed_by_someone_else',
  'stage_changed_meanwhile',
  'deal_closed',
  'task_not_open',
  'managers_assign',
  'assignee_not_a_rep',
  'assignee_outside_regions',
  'already_exists',
  'occurred_out_of_window',
  'invalid_arguments',
  'unknown_mutation',
  'server_error',
] as const;
export const RejectionReasonSchema = z.enum(REJECTION_REASONS);
export type RejectionReason = z.infer<typeof RejectionReasonSchema>;

export interface Rejection {
  code: RejectionCode;
  /** Key into REJECTION_MESSAGES. */
  reason: RejectionReason;
  fields: string[];
  serverValues?: Record<string, unknown>;
}

/** Rejection texts in both UI languages, so the server can answer in the user's. */
export const REJECTION_MESSAGES: Record<RejectionReason, { en: string; 'zh-CN': string }> = {
  lead_not_found: { en: 'This lead no longer exists or is no longer yours.', 'zh-CN': '该线索已不存在或已不归您负责。' },
  deal_not_found: { en: 'This deal no longer exists or is no longer yours.', 'zh-CN': '该商机已不存在或已不归您负责。' },
  task_not_found: { en: 'This task no longer exists.', 'zh-CN': '该任务已不存在。' },
  not_your_lead: { en: 'Only the lead’s owner or their manager can change it.', 'zh-CN': '只有线索负责人或其主管可以修改。' },
  not_your_deal: { en: 'Only the deal’s owner or their manager can change it.', 'zh-CN': '只有商机负责人或其主管可以修改。' },
  not_your_task: { en: 'Only the task’s owner can complete it.', 'zh-CN': '只有任务负责人可以完成该任务。' },
  nothing_to_change: { en: 'Nothing to change.', 'zh-CN': '没有需要修改的内容。' },
  changed_by_someone_else: {
    en: 'Someone else changed this field after you opened it. Compare both values and send yours again if it is still right.',
    'zh-CN': '您打开后，其他人修改了此字段。请对比两个值，如仍正确请重新提交。',
  },
  stage_changed_meanwhile: {
    en: 'The deal moved to another stage meanwhile.',
    'zh-CN': '该商机的阶段已被他人更改。',
  },
  deal_closed: { en: 'This deal is already closed.', 'zh-CN': '该商机已关闭。' },
  task_not_open: { en: 'This task is no longer open.', 'zh-CN': '该任务已不是待办状态。' },
  managers_assign: { en: 'Only a manager can assign leads.', 'zh-CN': '只有主管可以分配线索。' },
  assignee_not_a_rep: { en: 'Leads can only be assigned to an active sales rep.', 'zh-CN': '线索只能分配给在职的销售代表。' },
  assignee_outside_regions: {
    en: 'You can only assign leads to reps of the teams you manage.',
    'zh-CN': '您只能将线索分配给您所管理团队的销售。',
  },
  already_exists: {
    en: 'A record with this id already exists (created elsewhere at the same time). Discard this copy.',
    'zh-CN': '已存在相同编号的记录（可能同时在别处创建），请丢弃此副本。',
  },
  occurred_out_of_window: {
    en: `The time it happened must be within the past ${STATED_TIME_WINDOW_DAYS} days and not in the future. Correct the time and send again.`,
    'zh-CN': `发生时间须在过去 ${STATED_TIME_WINDOW_DAYS} 天内，且不能晚于现在。请更正时间后重新提交。`,
  },
  invalid_arguments: { en: 'Some fields are invalid.', 'zh-CN': '部分字段无效。' },
  unknown_mutation: {
    en: 'The server does not know this kind of change. Update Verity.',
    'zh-CN': '服务器不识别此类修改，请更新 Verity。',
  },
  server_error: {
    en: 'The server could not save this change. Quote the support id to your administrator.',
    'zh-CN': '服务器无法保存此修改，请将支持编号告知管理员。',
  },
};

export function isRejectionReason(value: unknown): value is RejectionReason {
  return typeof value === 'string' && (REJECTION_REASONS as readonly string[]).includes(value);
}

export function rejectionMessage(reason: RejectionReason, locale: string): string {
  const texts = REJECTION_MESSAGES[reason];
  return locale.toLowerCase().startsWith('zh') ? texts['zh-CN'] : texts.en;
}
