import {
  IconAlertTriangle,
  IconAlertOctagon,
  IconBuildingStore,
  IconCalendarCheck,
  IconChartBar,
  IconFileText,
  IconFlame,
  IconSettings,
  IconTimeline,
  IconUserCheck,
  type Icon,
} from '@tabler/icons-react';
import { ROLES, type Role } from '../../../shared/domain/enums';
import { isLeader } from '../../../shared/domain/roles';
import type { WorkspaceSummary } from '../../../shared/ipc/contract';

export const VIEW_IDS = [
  'agenda',
  'my-leads',
  'lead-pool',
  'pipeline',
  'proposals',
  'needs-attention',
  'team-heat-map',
  'review-queue',
  'reports',
  'settings',
] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export type NavSection = 'sectionWork' | 'sectionTeam' | 'sectionInsights';

export interface ViewDef {
  id: ViewId;
  labelKey:
    | 'nav.agenda'
    | 'nav.myLeads'
    | 'nav.leadPool'
    | 'nav.pipeline'
    | 'nav.proposals'
    | 'nav.needsAttention'
    | 'nav.teamHeatMap'
    | 'nav.reviewQueue'
    | 'nav.reports'
    | 'nav.settings';
  icon: Icon;
  section: NavSection;
  /** Only these roles see the view; undefined means everyone. */
  roles?: readonly Role[];
  /** The navigation badge for this view, from workspace.summary or the sync status's count of refused writes. */
  count?: (s: WorkspaceSummary | null, needsAttention: number | null) => number | null;
  /** A red badge: something is wrong or waits for a decision. */
  alarm?: boolean;
}

const LEADERS: readonly Role[] = ROLES.filter(isLeader);

export const VIEWS: readonly ViewDef[] = [
  { id: 'agenda', labelKey: 'nav.agenda', icon: IconCalendarCheck, section: 'sectionWork', count: (s) => s?.tasksDueToday ?? null },
  { id: 'my-leads', labelKey: 'nav.myLeads', icon: IconUserCheck, section: 'sectionWork', count: (s) => s?.myLeads ?? null },
  { id: 'lead-pool', labelKey: 'nav.leadPool', icon: IconBuildingStore, section: 'sectionWork', count: (s) => s?.poolLeads ?? null },
  { id: 'pipeline', labelKey: 'nav.pipeline', icon: IconTimeline, section: 'sectionWork', count: (s) => s?.openDeals ?? null },
  { id: 'proposals', labelKey: 'nav.proposals', icon: IconFileText, section: 'sectionWork' },
  {
    id: 'needs-attention',
    labelKey: 'nav.needsAttention',
    icon: IconAlertOctagon,
    section: 'sectionWork',
    count: (_s, needsAttention) => needsAttention,
    alarm: true,
  },
  { id: 'team-heat-map', labelKey: 'nav.teamHeatMap', icon: IconFlame, section: 'sectionTeam', roles: LEADERS },
  {
    id: 'review-queue',
    labelKey: 'nav.reviewQueue',
    icon: IconAlertTriangle,
    section: 'sectionTeam',
    roles: LEADERS,
    count: (s) => s?.reviewQueue ?? null,
    alarm: true,
  },
  { id: 'reports', labelKey: 'nav.reports', icon: IconChartBar, section: 'sectionInsights' },
  { id: 'settings', labelKey: 'nav.settings', icon: IconSettings, section: 'sectionInsights' },
];

export function canSee(view: ViewDef, role: Role): boolean {
  return !view.roles || view.roles.includes(role);
}


export function viewDef(id: ViewId): ViewDef {
  const def = VIEWS.find((v) => v.id === id);
  if (!def) throw new Error(`unknown view ${id}`);
  return def;
}
