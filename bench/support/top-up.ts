import { sql, type Kysely } from 'kysely';
import type { ServerDatabase } from '../../server/db/schema';

/**
 * Grows the seeded activities to `total` with set-based INSERT … SELECT over
 * generate_series (seconds, where the row-by-row seed would take minutes).
 * The extra rows hang off the seeded leads and their owners, so every
 * viewer's scope stays consistent; ids sort after the seed's (`act_t…`).
 */
const BATCH = 200_000;

export async function topUpActivities(db: Kysely<ServerDatabase>, total: number, leads: number): Promise<number> {
  const row = await db.selectFrom('activities').select(sql<string | number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  const existing = Number(row.n);
  const missing = Math.max(0, total - existing);
  for (let from = 1; from <= missing; from += BATCH) {
    const to = Math.min(missing, from + BATCH - 1);
    await sql`
      INSERT INTO activities (id, type, lead_id, opportunity_id, owner_id, subject, body, occurred_at, created_at)
      SELECT
        'act_t' || lpad(g::text, 7, '0'),
        (ARRAY['call', 'wechat', 'email', 'meeting', 'visit', 'note'])[1 + g % 6],
        l.id,
        NULL,
        coalesce(l.owner_id, 'user_rep01'),
        (ARRAY['电话回访，客户关心交付周期', '微信沟通报价细节', '发送产品资料和案例', '上门拜访，见到采购负责人', '客户暂无预算，三个月后再联系'])[1 + g % 5],
        CASE WHEN g % 2 = 0 THEN NULL
             ELSE '客户询问了价格和交付时间，已发送报价单与两个同行业案例，约定下周二下午再电话沟通一次。下一步：' ||
                  (ARRAY['发送资料', '电话回访', '约见面', '等待客户回复'])[1 + g % 4] END,
        l.created_at + make_interval(mins => g % 50000),
        l.created_at + make_interval(mins => g % 50000 + 7)
      FROM generate_series(${from}::int, ${to}::int) AS g
      JOIN leads l ON l.id = 'lead_' || lpad((1 + g % ${leads})::text, 6, '0')`.execute(db);
  }
  return missing;
}
