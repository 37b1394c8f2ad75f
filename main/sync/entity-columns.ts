import { ENTITY_TABLES, entityFields } from '../../shared/sync/entities';
import type { SyncEntity } from '../../shared/sync/protocol';

/**
 * How a synced entity (camelCase, as the shared schemas and the wire carry
 * it) maps onto its cache table (snake_case). Derived from the shared
 * schemas, so a new field needs no second list here.
 */

type CacheTable = (typeof ENTITY_TABLES)[SyncEntity];

/** Boolean fields are stored as 0/1 (SQLite STRICT tables have no boolean). */
const BOOLEAN_FIELDS = new Set(['active']);

export function toSnake(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export interface EntityColumns {
  table: CacheTable;
  /** Entity fields in wire order, then `version`. */
  fields: string[];
  /** The matching table columns. */
  columns: string[];
}

const cache = new Map<SyncEntity, EntityColumns>();

export function entityColumns(entity: SyncEntity): EntityColumns {
  let found = cache.get(entity);
  if (!found) {
    const fields = entityFields(entity);
    found = { table: ENTITY_TABLES[entity], fields, columns: fields.map(toSnake) };
    cache.set(entity, found);
  }
  return found;
}

/** Entity (or wire row) → bind values in column order. */
export function toBindValues(entity: SyncEntity, row: Record<string, unknown>): unknown[] {
  return entityColumns(entity).fields.map((f) => encode(f, row[f]));
}

/** Bind values from a snapshot array whose columns may differ in order (or miss new fields). */
export function encode(field: string, value: unknown): unknown {
  if (value === undefined) return field === 'version' ? 0 : null;
  if (BOOLEAN_FIELDS.has(field)) return value ? 1 : 0;
  return value;
}

/** Table row → entity object (camelCase, booleans restored). */
export function fromTableRow(entity: SyncEntity, row: Record<string, unknown>): Record<string, unknown> {
  const { fields, columns } = entityColumns(entity);
  const out: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    const v = row[columns[i] ?? f];
    out[f] = BOOLEAN_FIELDS.has(f) ? v === 1 || v === true : v;
  });
  return out;
}
