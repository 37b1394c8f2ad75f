import { z } from 'zod';
import { IdSchema } from '../domain/entities';
import { checkedPerEntry } from '../domain/text';
import { RejectionCodeSchema, RejectionReasonSchema } from './rejections';

/**
 * The sync protocol between a cockpit and the team server (../shared/SYNC.md):
 * client-numbered mutations pushed in order, one server change log whose
 * commit-ordered `seq` is the pull cursor, data-free pokes, and snapshots.
 */

/** Bumped when the wire format changes incompatibly. */
export const SYNC_PROTOCOL_VERSION = 1;
/**
 * Data schema version the cockpit speaks. The server accepts a range
 * [MIN_SUPPORTED_SCHEMA_VERSION, SYNC_SCHEMA_VERSION]; older cockpits are told to update.
 */
export const SYNC_SCHEMA_VERSION = 1;
export const MIN_SUPPORTED_SCHEMA_VERSION = 1;

/** Every entity the change log carries, in the order a snapshot loads them. */
export const SYNC_ENTITIES = [
  'user',
  'account',
  'contact',
  'lead',
  'opportunity',
  'stage_history',
  'activity',
  'task',
] as const;
export const SyncEntitySchema = z.enum(SYNC_ENTITIES);
export type SyncEntity = z.infer<typeof SyncEntitySchema>;

export const ClientIdSchema = z.string().uuid();

/**
 * One queued write. Only `id` is checked with the push: name, time and
 * arguments are checked entry by entry, so one entry that can never apply is
 * rejected on its own and the queue behind it moves on.
 */
export const PushedMutationSchema = z.object({
  /** Sequential per client, starting at 1, no gaps. */
  id: z.number().int().positive(),
  /** Versioned name, e.g. "lead.logTouch@1". */
  name: checkedPerEntry(z.string()),
  args: checkedPerEntry(z.unknown()),
  /** When the user did it (client clock): informative only; the server dates every change by its own clock. */
  at: checkedPerEntry(z.string()),
});
export type PushedMutation = z.infer<typeof PushedMutationSchema>;

export const PushRequestSchema = z.object({
  protocolVersion: z.number().int(),
  schemaVersion: z.number().int(),
  clientId: ClientIdSchema,
  mutations: z.array(PushedMutationSchema).max(500),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const MutationStatusSchema = z.enum(['applied', 'rejected']);

export const MutationResultSchema = z.object({
  id: z.number().int().positive(),
  status: MutationStatusSchema,
  code: RejectionCodeSchema.nullable(),
  /** Why, as a key of REJECTION_MESSAGES (null when applied; a reason this build does not know reads as null). */
  reason: RejectionReasonSchema.nullable().catch(null),
  /** In the user's language (Accept-Language of the push). */
  message: z.string().nullable(),
  fields: z.array(z.string()),
  /** For conflicts: the server's current values of the fields concerned. */
  serverValues: z.record(z.string(), z.unknown()).nullable(),
  /** Support id for server-side failures, to quote to an admin. */
  supportId: z.string().nullable(),
  /** Change-log position of the mutation's effects (applied) or of its result. */
  seq: z.number().int().nonnegative(),
});
export type MutationResult = z.infer<typeof MutationResultSchema>;

export const PushResponseSchema = z.object({
  results: z.array(MutationResultSchema),
  lastMutationId: z.number().int().nonnegative(),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

export const ChangeOpSchema = z.enum(['upsert', 'delete', 'evict']);

export const ChangeSchema = z.object({
  seq: z.number().int().positive(),
  entity: SyncEntitySchema,
  id: IdSchema,
  op: ChangeOpSchema,
  /** The row as the shared entity schema describes it; absent for delete/evict. */
  row: z.record(z.string(), z.unknown()).nullable(),
  version: z.number().int().nonnegative(),
  /** true when this row just entered the user's scope (a lead routed to them). */
  granted: z.boolean().optional(),
});
export type Change = z.infer<typeof ChangeSchema>;

export const SnapshotQuerySchema = z.object({
  protocolVersion: z.coerce.number().int(),
  schemaVersion: z.coerce.number().int(),
  clientId: ClientIdSchema,
});

export const PullQuerySchema = z.object({
  protocolVersion: z.coerce.number().int(),
  schemaVersion: z.coerce.number().int(),
  clientId: ClientIdSchema,
  cursor: z.coerce.number().int().nonnegative(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
export type PullQuery = z.infer<typeof PullQuerySchema>;

export const PullResponseSchema = z.object({
  changes: z.array(ChangeSchema),
  /** Results of this client's mutations whose seq ≤ the new cursor (covers lost push responses). */
  mutationResults: z.array(MutationResultSchema),
  lastMutationId: z.number().int().nonnegative(),
  cursor: z.number().int().nonnegative(),
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;

/** Body of 409 (reset) and 426 (too old) sync responses. */
export const SyncResetSchema = z.object({
  reset: z.enum(['scope_changed', 'cursor_expired', 'schema']),
  message: z.string(),
});
export type SyncReset = z.infer<typeof SyncResetSchema>;

export const UpgradeRequiredSchema = z.object({
  error: z.object({ code: z.literal('upgrade_required'), message: z.string() }),
  minSchemaVersion: z.number().int(),
  maxSchemaVersion: z.number().int(),
});

export const SnapshotManifestSchema = z.object({
  snapshotSeq: z.number().int().nonnegative(),
  schemaVersion: z.number().int(),
  parts: z.array(
    z.object({
      entity: SyncEntitySchema,
      part: z.number().int().nonnegative(),
      of: z.number().int().positive(),
      rows: z.number().int().nonnegative(),
      /** Keyset range of the part: ids after `after` up to and including `until` (null = open). */
      after: IdSchema.nullable(),
      until: IdSchema.nullable(),
    }),
  ),
});

export const SnapshotPartQuerySchema = z.object({
  protocolVersion: z.coerce.number().int(),
  schemaVersion: z.coerce.number().int(),
  clientId: ClientIdSchema,
  snapshotSeq: z.coerce.number().int().nonnegative(),
  of: z.coerce.number().int().positive(),
  after: IdSchema.optional(),
  until: IdSchema.optional(),
});

export const SnapshotHeaderSchema = z.object({
  entity: SyncEntitySchema,
  columns: z.array(z.string()),
  schemaVersion: z.number().int(),
  snapshotSeq: z.number().int().nonnegative(),
  part: z.number().int().nonnegative(),
  of: z.number().int().positive(),
});
export const SnapshotTrailerSchema = z.object({ end: z.literal(true), rows: z.number().int().nonnegative(), sha256: z.string().length(64) });
export type SnapshotManifest = z.infer<typeof SnapshotManifestSchema>;

/** Live channel messages (server → cockpit); pokes carry no data, only a hint to pull. */
export const LiveMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('poke'), seq: z.number().int() }),
  z.object({ t: z.literal('reset') }),
  z.object({ t: z.literal('ping') }),
]);
export type LiveMessage = z.infer<typeof LiveMessageSchema>;

