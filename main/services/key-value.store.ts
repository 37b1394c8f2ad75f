import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { LocalDatabase } from '../db/schema';
import type { Logger } from './logger';

/** JSON values in the local `settings` table, each read back through a zod schema. */
export class KeyValueStore {
  readonly #db: Kysely<LocalDatabase>;
  readonly #log: Logger;

  constructor(db: Kysely<LocalDatabase>, log: Logger) {
    this.#db = db;
    this.#log = log;
  }

  /** The stored value, or null when absent or no longer valid (logged, never thrown). */
  async read<S extends z.ZodType>(key: string, schema: S, db: Kysely<LocalDatabase> = this.#db): Promise<z.output<S> | null> {
    const row = await db.selectFrom('settings').select('value_json').where('key', '=', key).executeTakeFirst();
    if (!row) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(row.value_json);
    } catch {
      this.#log.warn(`local setting ${key} is not JSON; ignoring it`);
      return null;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      this.#log.warn(`local setting ${key} has an unexpected shape; ignoring it`);
      return null;
    }
    return parsed.data;
  }

  async write(key: string, value: unknown, db: Kysely<LocalDatabase> = this.#db): Promise<void> {
    const row = { key, value_json: JSON.stringify(value), updated_at: new Date().toISOString() };
    await db
      .insertInto('settings')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet({ value_json: row.value_json, updated_at: row.updated_at }))
      .execute();
  }

  async remove(key: string, db: Kysely<LocalDatabase> = this.#db): Promise<void> {
    await db.deleteFrom('settings').where('key', '=', key).execute();
  }
}
