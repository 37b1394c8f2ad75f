import {
  IconAlertTriangle,
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
import type { Role } from '../../../shared/domain/enums';
import type { WorkspaceSummary } from '../../../shared/ipc/contract';

export const VIEW_IDS = [
  'agenda',
  'my-leads',
  'lead-pool',
  'pipeline',
  'proposals',
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
    | 'nav.teamHeatMap'
    | 'nav.reviewQueue'
    | 'nav.reports'
    | 'nav.settings';
  icon: Icon;
  section: NavSection;
  /** Only these roles see the view; undefined means everyone. */
  roles?: readonly Role[];
  /** The navigation badge for this view, from workspace.summary. */
  count?: (s: WorkspaceSummary) => number;
}

const LEADERS: readonly Role[] = ['manager', 'executive', 'admin'];

export const VIEWS: readonly ViewDef[] = [
  { id: 'agenda', labelKey: 'nav.agenda', icon: IconCalendarCheck, section: 'sectionWork', count: (s) => s.tasksDueToday },
  { id: 'my-leads', labelKey: 'nav.myLeads', icon: IconUserCheck, section: 'sectionWork', count: (s) => s.myLeads },
  { id: 'lead-pool', labelKey: 'nav.leadPool', icon: IconBuildingStore, section: 'sectionWork', count: (s) => s.poolLeads },
  { id: 'pipeline', labelKey: 'nav.pipeline', icon: IconTimeline, section: 'sectionWork', count: (s) => s.openDeals },
  { id: 'proposals', labelKey: 'nav.proposals', icon: IconFileText, section: 'sectionWork' },
  { id: 'team-heat-map', labelKey: 'nav.teamHeatMap', icon: IconFlame, section: 'sectionTeam', roles: LEADERS },
  {
    id: 'review-queue',
    labelKey: 'nav.reviewQueue',
    icon: IconAlertTriangle,
    section: 'sectionTeam',
    roles: LEADERS,
    count: (s) => s.reviewQueue,
  },
  { id: 'reports', labelKey: 'nav.reports', icon: IconChartBar, section: 'sectionInsights' },
  { id: 'settings', labelKey: 'nav.settings', icon: IconSettings, section: 'sectionInsights' },
];

export function canSee(view: ViewDef, role: Role): boolean {
  return !view.roles || view.roles.includes(role);
}

export function isLeader(role: Role): boolean {
  return LEADERS.includes(role);
}

export function viewDef(id: ViewId): ViewDef {
  const def = VIEWS.find((v) => v.id === id);
  if (!def) throw new Error(`unknown view ${id}`);
  return def;
}
