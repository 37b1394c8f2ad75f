import { z } from 'zod';
import { ErrorInfoSchema, type ErrorInfo } from '../api/errors';
import {
  ActivitySchema,
  IdSchema,
  LeadSchema,
  OpportunitySchema,
  RegionSchema,
  TaskSchema,
  TeamSchema,
  TimestampSchema,
  UserSchema,
} from '../domain/entities';
import { FIRST_RESPONSE_STATES, HEAT_LEVELS } from '../domain/clocks';
import { LeadSourceSchema, LocaleSchema, StageSchema, ThemeSchema } from '../domain/enums';

/**
 * The one IPC contract between the cockpit's main process and its renderer.
 * Both transports (Electron IPC and the local web host) carry exactly these
 * calls and events; both ends validate against these schemas.
 */

export const AppInfoSchema = z.object({
  version: z.string(),
  transport: z.enum(['electron', 'web']),
  dataDir: z.string(),
  /** The operating system's preferred locale, e.g. "zh-CN" or "en-US". */
  osLocale: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const SessionStateSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('signed_out'),
    lastServerUrl: z.string().nullable(),
    lastEmail: z.string().nullable(),
    /** session_ended: the server refused the session (revoked, expired, deactivated); the form says "sign in again". */
    reason: z.enum(['session_ended']).optional(),
  }),
  z.object({
    status: z.literal('signed_in'),
    serverUrl: z.string(),
    user: UserSchema,
    team: TeamSchema.nullable(),
    region: RegionSchema.nullable(),
    managedTeamIds: z.array(IdSchema),
    /** The teams this user manages, with names (Settings lists them); empty for reps. */
    managedTeams: z.array(TeamSchema),
  }),
]);
export type SessionState = z.infer<typeof SessionStateSchema>;

export const ServerUrlSchema = z
  .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' })
  .max(500);

export const SignInArgsSchema = z.object({
  serverUrl: ServerUrlSchema,
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});
export type SignInArgs = z.infer<typeof SignInArgsSchema>;

export const SettingsSchema = z.object({
  /** null means "follow the operating system". */
  locale: LocaleSchema.nullable(),
  theme: ThemeSchema,
  launchAtLogin: z.boolean(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const BootstrapProgressSchema = z.object({
  partsDone: z.number().int().nonnegative(),
  partsTotal: z.number().int().nonnegative(),
  rowsDone: z.number().int().nonnegative(),
  rowsTotal: z.number().int().nonnegative(),
});
export type BootstrapProgress = z.infer<typeof BootstrapProgressSchema>;

export const SyncStatusSchema = z.object({
  /** update_required: the team server needs a newer Verity; queued writes wait. */
  state: z.enum(['signed_out', 'online', 'offline', 'syncing', 'update_required']),
  pendingWrites: z.number().int().nonnegative(),
  needsAttention: z.number().int().nonnegative(),
  lastSyncedAt: TimestampSchema.nullable(),
  /** Why it is not online, for the status bar. */
  message: z.string().nullable().default(null),
  /** First sync in progress. */
  bootstrap: BootstrapProgressSchema.nullable().default(null),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

/** Counts the navigation shows beside each view. */
export const WorkspaceSummarySchema = z.object({
  myLeads: z.number().int().nonnegative(),
  poolLeads: z.number().int().nonnegative(),
  openDeals: z.number().int().nonnegative(),
  tasksDueToday: z.number().int().nonnegative(),
  reviewQueue: z.number().int().nonnegative(),
});
export type WorkspaceSummary = z.infer<typeof WorkspaceSummarySchema>;

/** A lead's first-response clock as the read model computed it (shared/domain/clocks.ts). */
export const FirstResponseClockSchema = z.object({
  state: z.enum(FIRST_RESPONSE_STATES),
  startedAt: TimestampSchema,
  dueAt: TimestampSchema,
  reviewAt: TimestampSchema,
  decideBy: TimestampSchema,
  msLeft: z.number(),
});
export type FirstResponseClockView = z.infer<typeof FirstResponseClockSchema>;

/** A deal's stage clock: calendar days in its stage, and whether it stalls. */
export const DealClockSchema = z.object({
  daysInStage: z.number().nonnegative(),
  stalled: z.boolean(),
});
export type DealClock = z.infer<typeof DealClockSchema>;

/** The lead or deal a task or activity is about, for opening it from a row. */
export const SubjectRefSchema = z.object({ kind: z.enum(['lead', 'deal']), id: IdSchema, label: z.string() });
export type SubjectRef = z.infer<typeof SubjectRefSchema>;

/** One agenda card: its true total, and the page of items asked for. */
const agendaSection = <T extends z.ZodType>(item: T) =>
  z.object({ total: z.number().int().nonnegative(), offset: z.number().int().nonnegative(), items: z.array(item) });

export const AGENDA_SECTIONS = ['firstResponse', 'tasksDue', 'stallingDeals', 'meetingsToday'] as const;
export type AgendaSection = (typeof AGENDA_SECTIONS)[number];

export const AgendaSchema = z.object({
  generatedAt: TimestampSchema,
  firstResponse: agendaSection(z.object({ lead: LeadSchema, clock: FirstResponseClockSchema })),
  tasksDue: agendaSection(z.object({ task: TaskSchema, overdue: z.boolean(), subject: SubjectRefSchema.nullable() })),
  stallingDeals: agendaSection(z.object({ deal: OpportunitySchema, clock: DealClockSchema })),
  meetingsToday: agendaSection(z.object({ activity: ActivitySchema, subject: SubjectRefSchema.nullable() })),
});
export type Agenda = z.infer<typeof AgendaSchema>;

const AgendaPageSchema = z.object({ limit: z.number().int().min(1).max(200), offset: z.number().int().min(0) }).strict();
/** Each card asks for its own page; a card not named gets its first few items. */
export const AgendaRequestSchema = z.partialRecord(z.enum(AGENDA_SECTIONS), AgendaPageSchema);

const DealScopeSchema = z.enum(['mine', 'team']);

/** Open deals per stage over the whole scope; money summed per currency, never across. */
export const PipelineSummarySchema = z.object({
  generatedAt: TimestampSchema,
  stages: z.array(
    z.object({
      stage: StageSchema,
      open: z.number().int().nonnegative(),
      stalled: z.number().int().nonnegative(),
      amounts: z.array(z.object({ currency: z.string().length(3), amount: z.number().nonnegative() })),
    }),
  ),
});
export type PipelineSummary = z.infer<typeof PipelineSummarySchema>;

/** Days open deals have spent in their stage, per stage over the whole scope, with the heat level. */
export const HeatMapSchema = z.object({
  generatedAt: TimestampSchema,
  stages: z.array(
    z.object({
      stage: StageSchema,
      open: z.number().int().nonnegative(),
      avgDays: z.number().nonnegative(),
      medianDays: z.number().nonnegative(),
      maxDays: z.number().nonnegative(),
      stalled: z.number().int().nonnegative(),
      targetDays: z.number().positive(),
      /** null when the stage has no open deal. */
      heat: z.enum(HEAT_LEVELS).nullable(),
    }),
  ),
});
export type HeatMap = z.infer<typeof HeatMapSchema>;

/** A write the server refused, kept with the user's input until they fix or discard it. */
export const AttentionItemSchema = z.object({
  mutationId: z.number().int().positive(),
  name: z.string(),
  args: z.unknown(),
  at: TimestampSchema,
  code: z.string().nullable(),
  /** Why, as a rejection reason key (shared/sync/rejections.ts); the renderer words it in the UI language. */
  reason: z.string().nullable().default(null),
  message: z.string().nullable(),
  fields: z.array(z.string()),
  serverValues: z.record(z.string(), z.unknown()).nullable(),
  supportId: z.string().nullable(),
  /** The record it is about, as the cache holds it now (server values). */
  subject: z
    .object({ entity: z.string(), id: IdSchema, label: z.string(), row: z.record(z.string(), z.unknown()).nullable() })
    .nullable(),
});
export type AttentionItem = z.infer<typeof AttentionItemSchema>;

const Page = z.object({
  limit: z.number().int().min(1).max(500).default(100),
  offset: z.number().int().min(0).default(0),
});

const Empty = z.object({}).strict();

export const ipcCalls = {
  'app.info': { request: Empty, response: AppInfoSchema },
  'session.get': { request: Empty, response: SessionStateSchema },
  'session.signIn': { request: SignInArgsSchema, response: SessionStateSchema },
  'session.signOut': { request: Empty, response: SessionStateSchema },
  'settings.get': { request: Empty, response: SettingsSchema },
  'settings.update': { request: SettingsSchema.partial().strict(), response: SettingsSchema },
  'sync.status': { request: Empty, response: SyncStatusSchema },
  /** Push and pull now (the status bar's "sync now"). */
  'sync.now': { request: Empty, response: SyncStatusSchema },
  /** Any named mutation (shared/sync/mutations.ts); applied to the cache at once, queued for the server. */
  'sync.mutate': {
    request: z.object({ name: z.string().min(3).max(80), args: z.unknown() }).strict(),
    response: z.object({ mutationId: z.number().int().positive() }),
  },
  'attention.list': { request: Empty, response: z.object({ items: z.array(AttentionItemSchema) }) },
  'attention.discard': { request: z.object({ mutationId: z.number().int().positive() }).strict(), response: SyncStatusSchema },
  'attention.resend': {
    request: z.object({ mutationId: z.number().int().positive(), args: z.unknown() }).strict(),
    response: z.object({ mutationId: z.number().int().positive() }),
  },
  'workspace.summary': { request: Empty, response: WorkspaceSummarySchema },
  'agenda.today': { request: AgendaRequestSchema, response: AgendaSchema },
  /** Stage cards of the pipeline: counts, money per currency and stalls over every deal in scope. */
  'pipeline.summary': { request: z.object({ scope: DealScopeSchema }).strict(), response: PipelineSummarySchema },
  /** The team heat map over every open deal in scope. */
  'heatMap.get': { request: z.object({ scope: DealScopeSchema.default('team') }).strict(), response: HeatMapSchema },
  /**
   * mine: the user's leads in every status still open (pending review included);
   * `clocks` holds each listed lead's first-response clock, by lead id.
   */
  'leads.list': {
    request: Page.extend({ scope: z.enum(['mine', 'pool', 'review']), source: LeadSourceSchema.optional() }).strict(),
    response: z.object({
      leads: z.array(LeadSchema),
      total: z.number().int().nonnegative(),
      clocks: z.record(IdSchema, FirstResponseClockSchema),
    }),
  },
  /** One lead as the cache holds it now (after an edit, an assignment or a pull), in any status. */
  'leads.get': { request: z.object({ id: IdSchema }).strict(), response: z.object({ lead: LeadSchema, clock: FirstResponseClockSchema }) },
  /** Colleagues from the cache (names on records, assignment); managers pass `assignable` for their teams' active reps. */
  'users.list': {
    request: z.object({ assignable: z.boolean().default(false) }).strict(),
    response: z.object({ users: z.array(UserSchema) }),
  },
  /** A lead's or deal's history, newest first. */
  'activities.list': {
    request: Page.extend({ leadId: IdSchema.optional(), opportunityId: IdSchema.optional() })
      .strict()
      .refine((r) => (r.leadId === undefined) !== (r.opportunityId === undefined), { message: 'give a leadId or an opportunityId' }),
    response: z.object({ activities: z.array(ActivitySchema), total: z.number().int().nonnegative() }),
  },
  /** `clocks` holds each listed deal's stage clock, by deal id. */
  'opportunities.list': {
    request: Page.extend({ scope: DealScopeSchema }).strict(),
    response: z.object({
      opportunities: z.array(OpportunitySchema),
      total: z.number().int().nonnegative(),
      clocks: z.record(IdSchema, DealClockSchema),
    }),
  },
  /** One deal as the cache holds it now, with its stage clock. */
  'opportunities.get': {
    request: z.object({ id: IdSchema }).strict(),
    response: z.object({ opportunity: OpportunitySchema, clock: DealClockSchema }),
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export type IpcCall = keyof typeof ipcCalls;
/** What a caller passes (defaults may be omitted). */
export type IpcRequest<C extends IpcCall> = z.input<(typeof ipcCalls)[C]['request']>;
/** What a handler receives, after parsing. */
export type IpcParsedRequest<C extends IpcCall> = z.output<(typeof ipcCalls)[C]['request']>;
export type IpcResponse<C extends IpcCall> = z.output<(typeof ipcCalls)[C]['response']>;

/** Events the main process pushes to the renderer. */
export const ipcEvents = {
  'sync.status': SyncStatusSchema,
  'session.changed': SessionStateSchema,
  /** Rows changed in the cache (after a pull, a local edit or a rejection): views reload. */
  'data.changed': z.object({ entities: z.array(z.string()), rejected: z.number().int().nonnegative() }),
} as const satisfies Record<string, z.ZodType>;

export type IpcEvent = keyof typeof ipcEvents;
export type IpcEventPayload<E extends IpcEvent> = z.output<(typeof ipcEvents)[E]>;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
export const IpcFailureSchema = z.object({ ok: z.literal(false), error: ErrorInfoSchema });

export function isIpcCall(name: unknown): name is IpcCall {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ipcCalls, name);
}
export function isIpcEvent(name: unknown): name is IpcEvent {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ipcEvents, name);
}

/**
 * What the renderer sees as `window.verity`, whichever transport provides it.
 * Results are envelopes: a failure is data, never a thrown error.
 */
export interface VerityBridge {
  invoke<C extends IpcCall>(call: C, request: IpcRequest<C>): Promise<IpcResult<unknown>>;
  on<E extends IpcEvent>(event: E, listener: (payload: unknown) => void): () => void;
}

/** Electron channel names; the web transport uses the wire messages below. */
export const ELECTRON_INVOKE_CHANNEL = 'verity:invoke';
export const ELECTRON_EVENT_CHANNEL = 'verity:event';
