import { AppShell, Avatar, Box, Badge, Burger, Group, Menu, NavLink, ScrollArea, Stack, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconLogout, IconRadar2, IconSettings } from '@tabler/icons-react';
import { useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { WorkspaceSummary } from '../../../shared/ipc/contract';
import { useCall, useEvent } from '../api/hooks';
import { AttentionProvider } from '../features/attention/AttentionProvider';
import { AttentionView } from '../features/attention/AttentionView';
import { AgendaView } from '../features/agenda/AgendaView';
import { HeatMapView } from '../features/heat-map/HeatMapView';
import { LeadPoolView, MyLeadsView, ReviewQueueView } from '../features/leads/LeadViews';
import { PipelineView } from '../features/pipeline/PipelineView';
import { ProposalsView } from '../features/proposals/ProposalsView';
import { ReportsView } from '../features/reports/ReportsView';
import { SettingsView } from '../features/settings/SettingsView';
import type { ShownSyncStatus } from '../ui/first-sync-phase';
import { SyncBanner } from '../ui/SyncBanner';
import { useToast } from '../ui/toasts';
import { useApp, useSignedIn } from './app-context';
import { createDataVersion, DataContext, useDataGeneration, type DataVersion } from './data-context';
import { useRouter } from './router';
import { createStore, type Store } from './store';
import { SyncStatusContext, useSyncSelector } from './sync-context';
import { SyncIndicator, useSyncStatusFeed } from './SyncIndicator';
import { UsersProvider } from './UsersProvider';
import { canSee, viewDef, VIEWS, type NavSection, type ViewDef, type ViewId } from './views';

const SCREENS: Record<ViewId, () => ReactNode> = {
  agenda: () => <AgendaView />,
  'my-leads': () => <MyLeadsView />,
  'lead-pool': () => <LeadPoolView />,
  pipeline: () => <PipelineView />,
  proposals: () => <ProposalsView />,
  'needs-attention': () => <AttentionView />,
  'team-heat-map': () => <HeatMapView />,
  'review-queue': () => <ReviewQueueView />,
  reports: () => <ReportsView />,
  settings: () => <SettingsView />,
};

const SECTIONS: readonly NavSection[] = ['sectionWork', 'sectionTeam', 'sectionInsights'];

export function AppFrame() {
  const { t } = useTranslation();
  const session = useSignedIn();
  const { signOut } = useApp();
  const { view, navigate } = useRouter();
  const [navOpen, nav] = useDisclosure(false);
  // Held outside React state: a status event or a cache change re-renders only what reads them.
  const [stores] = useState(() => ({
    sync: createStore<ShownSyncStatus | null>(null),
    data: createDataVersion(),
    summary: createStore<WorkspaceSummary | null>(null),
  }));
  useSyncStatusFeed(stores.sync);
  const role = session.user.role;
  const visible = VIEWS.filter((v) => canSee(v, role));
  const toast = useToast();

  // Every cache change (a pull, our own write, a refusal) bumps the version; data views re-query once.
  useEvent('data.changed', (change) => {
    stores.data.bump();
    if (change.rejected > 0) {
      // Rendered, not pre-translated: the toast follows a language switch while it is shown.
      toast({
        color: 'red',
        title: <RejectedTitle count={change.rejected} />,
        message: <RejectedBody />,
        action: { label: <RejectedAction />, onClick: () => navigate('needs-attention') },
      });
    }
  });

  // A rep who lands on a managers-only address (an old bookmark) goes to the agenda.
  const current = visible.some((v) => v.id === view) ? view : 'agenda';
  useEffect(() => {
    if (current !== view) navigate(current);
  }, [current, view, navigate]);

  const currentLabel = t(viewDef(current).labelKey);
  useEffect(() => {
    document.title = `${currentLabel} · ${t('app.name')}`;
  }, [currentLabel, t]);

  const initials = session.user.displayName.trim().slice(0, 1).toUpperCase();
  // A manager belongs to no team himself: the header names the teams he runs.
  const teamLine = session.team?.name ?? session.managedTeams.map((team) => team.name).join(t('common.listSeparator'));

  return (
    <FrameProviders data={stores.data} sync={stores.sync}>
      <AppShell
        header={{ height: 60 }}
        navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !navOpen } }}
        padding="lg"
      >
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={navOpen} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label={t('nav.toggle')} />
              <ThemeIcon size={34} radius="md" variant="filled" aria-hidden>
                <IconRadar2 size={20} />
              </ThemeIcon>
              <Stack gap={0}>
                <Text component="h1" m={0} fw={700} size="lg" lh={1.1} data-testid="product-name">
                  {t('app.name')}
                </Text>
                <Text size="xs" c="dimmed" lh={1.1} visibleFrom="xs">
                  {t('app.tagline')}
                </Text>
              </Stack>
            </Group>
            <Group gap="md" wrap="nowrap">
              <SyncIndicator onOpenAttention={() => navigate('needs-attention')} />
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <UnstyledButton aria-label={t('header.userMenu', { name: session.user.displayName })} data-testid="user-menu">
                    <Group gap="xs" wrap="nowrap">
                      <Avatar color="verity" radius="xl" size={34}>
                        {initials}
                      </Avatar>
                      <Stack gap={0} visibleFrom="sm">
                        <Text size="sm" fw={600} lh={1.2} data-testid="user-name">
                          {session.user.displayName}
                        </Text>
                        <Text size="xs" c="dimmed" lh={1.2} data-testid="user-role">
                          {t(`roles.${role}`)}
                          {teamLine ? ` · ${teamLine}` : ''}
                        </Text>
                      </Stack>
                      <IconChevronDown size={14} aria-hidden />
                    </Group>
                  </UnstyledButton>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Label>{session.user.email}</Menu.Label>
                  <Menu.Item leftSection={<IconSettings size={16} />} onClick={() => navigate('settings')}>
                    {t('header.settings')}
                  </Menu.Item>
                  <Menu.Item leftSection={<IconLogout size={16} />} color="red" onClick={() => void signOut()}>
                    {t('header.signOut')}
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            </Group>
          </Group>
        </AppShell.Header>

        <AppShell.Navbar p="sm" aria-label={t('nav.label')} component="nav">
          <AppShell.Section grow component={ScrollArea}>
            <AppNav
              visible={visible}
              current={current}
              summary={stores.summary}
              onOpen={(id) => {
                navigate(id);
                nav.close();
              }}
            />
          </AppShell.Section>
        </AppShell.Navbar>

        <AppShell.Main>
          <Box maw={1320} mx="auto">
            <SyncBanner />
            {SCREENS[current]()}
            {/* After the view: its query goes to the cockpit first, the counts right after it. */}
            <SummaryFeed view={current} store={stores.summary} />
          </Box>
        </AppShell.Main>
      </AppShell>
    </FrameProviders>
  );
}

/** What every view reads: the cache's data version, the sync status and the refused writes. */
function FrameProviders({ data, sync, children }: { data: DataVersion; sync: Store<ShownSyncStatus | null>; children: ReactNode }) {
  return (
    <DataContext.Provider value={data}>
      <SyncStatusContext.Provider value={sync}>
        <UsersProvider>
          <AttentionProvider>{children}</AttentionProvider>
        </UsersProvider>
      </SyncStatusContext.Provider>
    </DataContext.Provider>
  );
}

/** Loads the navigation's counts once per cache change (and on a view change) into `store`; renders nothing. */
function SummaryFeed({ view, store }: { view: ViewId; store: Store<WorkspaceSummary | null> }) {
  const generation = useDataGeneration();
  const summary = useCall('workspace.summary', {}, `${view}|${generation}`);
  useEffect(() => {
    // An equal answer keeps its object (useCall shares it): the navigation does not re-render.
    if (summary.data) store.set(summary.data);
  }, [summary.data, store]);
  return null;
}

/**
 * The navigation with its counts: it re-renders when a count changes, for a
 * status event only when the number of refused writes changed, never for a
 * cache change that leaves the counts as they were.
 */
function AppNav(props: { visible: readonly ViewDef[]; current: ViewId; summary: Store<WorkspaceSummary | null>; onOpen: (id: ViewId) => void }) {
  const { visible, current, summary, onOpen } = props;
  const { t } = useTranslation();
  const counts = useSyncExternalStore(summary.subscribe, summary.get);
  const needsAttention = useSyncSelector((s) => s?.needsAttention ?? null);
  return SECTIONS.map((section) => {
    const items = visible.filter((v) => v.section === section);
    if (items.length === 0) return null;
    return (
      <Stack key={section} gap={2} mb="md">
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" mb={4}>
          {t(`nav.${section}`)}
        </Text>
        {items.map((v) => {
          const count = v.count ? v.count(counts, needsAttention) : null;
          const Icon = v.icon;
          return (
            <NavLink
              key={v.id}
              component="button"
              label={t(v.labelKey)}
              leftSection={<Icon size={18} stroke={1.6} />}
              rightSection={
                count !== null && count > 0 ? (
                  <Badge
                    size="sm"
                    variant={v.alarm ? 'filled' : 'light'}
                    color={v.alarm ? 'red' : 'verity'}
                    circle={count < 10}
                    data-testid={`nav-count-${v.id}`}
                  >
                    {count}
                  </Badge>
                ) : null
              }
              active={current === v.id}
              aria-current={current === v.id ? 'page' : undefined}
              onClick={() => onOpen(v.id)}
              data-testid={`nav-${v.id}`}
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
            />
          );
        })}
      </Stack>
    );
  });
}

function RejectedTitle({ count }: { count: number }) {
  const { t } = useTranslation();
  return t('attention.toastTitle', { count });
}

function RejectedBody() {
  const { t } = useTranslation();
  return t('attention.toastBody');
}

function RejectedAction() {
  const { t } = useTranslation();
  return t('attention.open');
}
