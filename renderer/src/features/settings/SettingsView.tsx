import { Alert, Badge, Button, Divider, Group, Paper, SegmentedControl, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { IconLogout } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../../shared/ipc/contract';
import { ApiError } from '../../api/client';
import { useApp, useSignedIn } from '../../app/app-context';
import { ViewHeader } from '../../ui/ViewHeader';

const LANGUAGE_FOLLOW = 'system';

export function SettingsView() {
  const { t } = useTranslation();
  const { settings, updateSettings, signOut, info } = useApp();
  const session = useSignedIn();
  const [error, setError] = useState<string | null>(null);
  const [signingOut, setSigningOut] = useState(false);

  const save = (patch: Partial<Settings>) => {
    setError(null);
    updateSettings(patch).catch((e: unknown) =>
      setError(t('settings.saveFailed', { message: e instanceof ApiError ? t(`errors.${e.code}`, { message: e.message }) : String(e) })),
    );
  };

  return (
    <Stack gap={0} maw={760}>
      <ViewHeader title={t('settings.title')} subtitle={t('settings.subtitle')} />
      {error && (
        <Alert color="red" variant="light" role="alert" mb="md">
          {error}
        </Alert>
      )}
      <Stack gap="lg">
        <Section title={t('settings.appearance')}>
          <Field label={t('settings.language')} id="settings-language" hint={t('settings.languageHint', { locale: info.osLocale })}>
            <SegmentedControl
              aria-labelledby="settings-language"
              data-testid="settings-language"
              value={settings.locale ?? LANGUAGE_FOLLOW}
              onChange={(v) => save({ locale: v === 'zh-CN' || v === 'en' ? v : null })}
              data={[
                { value: LANGUAGE_FOLLOW, label: t('settings.languageSystem') },
                { value: 'zh-CN', label: t('settings.languageZh') },
                { value: 'en', label: t('settings.languageEn') },
              ]}
            />
          </Field>
          <Divider />
          <Field label={t('settings.theme')} id="settings-theme">
            <SegmentedControl
              aria-labelledby="settings-theme"
              data-testid="settings-theme"
              value={settings.theme}
              onChange={(v) => save({ theme: v === 'light' || v === 'dark' ? v : 'auto' })}
              data={[
                { value: 'auto', label: t('settings.themeAuto') },
                { value: 'light', label: t('settings.themeLight') },
                { value: 'dark', label: t('settings.themeDark') },
              ]}
            />
          </Field>
        </Section>

        <Section title={t('settings.startup')}>
          <Switch
            checked={settings.launchAtLogin}
            onChange={(e) => save({ launchAtLogin: e.currentTarget.checked })}
            label={t('settings.launchAtLogin')}
            description={t('settings.launchAtLoginHint')}
            size="md"
          />
        </Section>

        <Section title={t('settings.account')}>
          <Table variant="vertical" layout="fixed" withRowBorders={false} verticalSpacing={6}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={160}>{t('settings.user')}</Table.Th>
                <Table.Td data-testid="settings-user">
                  {session.user.displayName} · {session.user.email}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('settings.role')}</Table.Th>
                <Table.Td>
                  <Badge variant="light">{t(`roles.${session.user.role}`)}</Badge>
                </Table.Td>
              </Table.Tr>
              {(session.team || session.managedTeams.length === 0) && (
                <Table.Tr>
                  <Table.Th>{t('settings.team')}</Table.Th>
                  <Table.Td data-testid="settings-team">
                    {session.team?.name ?? t('settings.noTeam')}
                    {session.region ? ` · ${session.region.name}` : ''}
                  </Table.Td>
                </Table.Tr>
              )}
              {session.managedTeams.length > 0 && (
                // A manager belongs to no team of his own: the teams he runs are what he is asked about.
                <Table.Tr>
                  <Table.Th>{t('settings.managedTeams')}</Table.Th>
                  <Table.Td data-testid="settings-managed-teams">
                    <Group gap={6}>
                      {session.managedTeams.map((team) => (
                        <Badge key={team.id} variant="outline" color="gray" tt="none" size="lg" fw={500}>
                          {team.name}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              )}
              <Table.Tr>
                <Table.Th>{t('settings.server')}</Table.Th>
                <Table.Td data-testid="settings-server" style={{ wordBreak: 'break-all' }}>
                  {session.serverUrl}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Group justify="space-between" align="center" wrap="wrap">
            <Text size="sm" c="dimmed" maw={440}>
              {t('settings.signOutHint')}
            </Text>
            <Button
              color="red"
              variant="light"
              leftSection={<IconLogout size={16} />}
              loading={signingOut}
              onClick={() => {
                setSigningOut(true);
                signOut().catch((e: unknown) => {
                  setSigningOut(false);
                  setError(String(e));
                });
              }}
            >
              {t('settings.signOut')}
            </Button>
          </Group>
        </Section>
        <Text size="xs" c="dimmed">
          {t('settings.version', { version: info.version, transport: t(`settings.transports.${info.transport}`) })}
        </Text>
      </Stack>
    </Stack>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="lg" p="lg" component="section" aria-label={title}>
      <Title order={3} size="h4" mb="md">
        {title}
      </Title>
      <Stack gap="md">{children}</Stack>
    </Paper>
  );
}

function Field({ label, id, hint, children }: { label: string; id: string; hint?: string; children: ReactNode }) {
  return (
    <Group justify="space-between" align="center" wrap="wrap" gap="sm">
      <Stack gap={2}>
        <Text fw={500} size="sm" id={id}>
          {label}
        </Text>
        {hint && (
          <Text size="xs" c="dimmed">
            {hint}
          </Text>
        )}
      </Stack>
      {children}
    </Group>
  );
}
