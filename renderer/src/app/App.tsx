import '@mantine/core/styles.css';
import { Alert, Button, Center, Loader, MantineProvider, Stack, Text } from '@mantine/core';
import { useColorScheme } from '@mantine/hooks';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { AppInfo, SessionState, Settings } from '../../../shared/ipc/contract';
import { call } from '../api/client';
import { useEvent } from '../api/hooks';
import { SignInScreen } from '../features/sign-in/SignInScreen';
import { createI18n } from '../i18n/i18n';
import { resolveLocale } from '../i18n/locale';
import { ToastHost } from '../ui/ToastHost';
import { AppContext, type AppContextValue } from './app-context';
import { AppFrame } from './AppFrame';
import { RouterProvider } from './router';
import { theme } from './theme';

type Boot =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'ready'; info: AppInfo; session: SessionState; settings: Settings };

// Until app.info answers, the browser's language is the best guess for the splash and error screens.
const i18n = createI18n(resolveLocale(null, navigator.language));

export function App() {
  const [boot, setBoot] = useState<Boot>({ status: 'loading' });
  const system = useColorScheme('light');

  const load = useCallback(() => {
    setBoot({ status: 'loading' });
    Promise.all([call('app.info', {}), call('session.get', {}), call('settings.get', {})]).then(
      ([info, session, settings]) => setBoot({ status: 'ready', info, session, settings }),
      (error: unknown) => setBoot({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  }, []);
  useEffect(load, [load]);
  const patchBoot = useCallback(
    (patch: { session?: SessionState; settings?: Settings }) => setBoot((b) => (b.status === 'ready' ? { ...b, ...patch } : b)),
    [],
  );

  const locale = boot.status === 'ready' ? resolveLocale(boot.settings.locale, boot.info.osLocale) : null;
  useEffect(() => {
    if (locale && i18n.language !== locale) void i18n.changeLanguage(locale);
    document.documentElement.lang = i18n.language;
  }, [locale]);

  const chosenTheme = boot.status === 'ready' ? boot.settings.theme : 'auto';
  const scheme = chosenTheme === 'auto' ? system : chosenTheme;

  return (
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme} forceColorScheme={scheme}>
        {boot.status === 'loading' && <Splash />}
        {boot.status === 'failed' && <BridgeFailed message={boot.message} onRetry={load} />}
        {boot.status === 'ready' && (
          <Ready
            info={boot.info}
            session={boot.session}
            settings={boot.settings}
            onChange={patchBoot}
          />
        )}
      </MantineProvider>
    </I18nextProvider>
  );
}

function Ready(props: {
  info: AppInfo;
  session: SessionState;
  settings: Settings;
  onChange: (patch: { session?: SessionState; settings?: Settings }) => void;
}) {
  const { info, session, settings, onChange } = props;
  useEvent('session.changed', (next) => onChange({ session: next }));
  // Only a reload of a window already signed in keeps the view in its address; a sign-in
  // (or a switch to another user) opens the Agenda, not the view the last user left open.
  const userId = session.status === 'signed_in' ? session.user.id : null;
  const [landing, setLanding] = useState<{ userId: string | null; keepAddress: boolean }>({ userId, keepAddress: userId !== null });
  if (landing.userId !== userId) setLanding({ userId, keepAddress: false });

  const value = useMemo<AppContextValue>(
    () => ({
      info,
      session,
      settings,
      setSession: (next) => onChange({ session: next }),
      updateSettings: async (patch) => onChange({ settings: await call('settings.update', patch) }),
      signOut: async () => onChange({ session: await call('session.signOut', {}) }),
    }),
    [info, session, settings, onChange],
  );

  return (
    <AppContext.Provider value={value}>
      {session.status === 'signed_in' ? (
        <RouterProvider key={session.user.id} start={landing.keepAddress ? 'address' : 'agenda'}>
          <ToastHost>
            <AppFrame />
          </ToastHost>
        </RouterProvider>
      ) : (
        <SignInScreen />
      )}
    </AppContext.Provider>
  );
}

function Splash() {
  const { t } = useTranslation();
  return (
    <Center h="100vh">
      <Stack align="center" gap="sm">
        <Loader aria-label={t('app.loading')} />
        <Text c="dimmed">{t('app.loading')}</Text>
      </Stack>
    </Center>
  );
}

function BridgeFailed({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Center h="100vh" p="md">
      <Alert
        maw={560}
        color="red"
        variant="light"
        icon={<IconPlugConnectedX />}
        title={t('app.bridgeFailedTitle')}
        data-testid="bridge-failed"
      >
        <Stack gap="md">
          <Text size="sm">{t('app.bridgeFailedBody', { message })}</Text>
          <Button variant="light" color="red" onClick={onRetry} w="fit-content">
            {t('app.retry')}
          </Button>
        </Stack>
      </Alert>
    </Center>
  );
}

