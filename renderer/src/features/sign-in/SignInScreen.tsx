import { Alert, Box, Button, Center, Group, Paper, PasswordInput, SegmentedControl, Stack, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { IconAlertCircle, IconRadar2 } from '@tabler/icons-react';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SignInArgsSchema } from '../../../../shared/ipc/contract';
import { ApiError, call } from '../../api/client';
import { useApp } from '../../app/app-context';
import { resolveLocale } from '../../i18n/locale';

type Field = 'serverUrl' | 'email' | 'password';
const FIELDS: readonly Field[] = ['serverUrl', 'email', 'password'];

interface Failure {
  code: ApiError['code'];
  message: string;
  url: string;
}

export function SignInScreen() {
  const { t } = useTranslation();
  const { session, setSession, settings, updateSettings, info } = useApp();
  const last = session.status === 'signed_out' ? session : null;
  const [serverUrl, setServerUrl] = useState(last?.lastServerUrl ?? '');
  const [email, setEmail] = useState(last?.lastEmail ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [badFields, setBadFields] = useState<Field[]>([]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const args = { serverUrl: serverUrl.trim(), email: email.trim(), password };
    // Check locally first so the rep sees which box is wrong without a round trip.
    const local = SignInArgsSchema.safeParse(args);
    if (!local.success) {
      setBadFields(FIELDS.filter((f) => local.error.issues.some((i) => i.path[0] === f)));
      setFailure({ code: 'bad_request', message: '', url: args.serverUrl });
      return;
    }
    setBusy(true);
    setFailure(null);
    setBadFields([]);
    try {
      setSession(await call('session.signIn', local.data));
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) });
      setFailure({ code: e.code, message: e.message, url: args.serverUrl });
      setBadFields(FIELDS.filter((f) => e.fields.includes(f)));
      // A wrong password is retyped, never edited; everything else keeps what was typed.
      if (e.code === 'invalid_credentials') setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const message = failure ? failureText(t, failure) : null;
  const fieldError = (f: Field) => (badFields.includes(f) ? t(`signIn.fieldErrors.${f}`) : undefined);
  const currentLocale = resolveLocale(settings.locale, info.osLocale);
  useEffect(() => {
    document.title = `${t('signIn.submit')} · ${t('app.name')}`;
  }, [t]);

  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-body)">
      <Stack w="100%" maw={420} gap="lg">
        <Group gap="sm" justify="center">
          <ThemeIcon size={44} radius="md" aria-hidden>
            <IconRadar2 size={26} />
          </ThemeIcon>
          <Stack gap={0}>
            <Text component="h1" m={0} fw={700} size="xl" lh={1.1}>
              {t('app.name')}
            </Text>
            <Text size="sm" c="dimmed" lh={1.2}>
              {t('app.tagline')}
            </Text>
          </Stack>
        </Group>
        <Paper withBorder shadow="sm" radius="lg" p="xl">
          <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="sign-in-title">
            <Stack gap="md">
              <Box>
                <Title order={2} size="h3" id="sign-in-title">
                  {t('signIn.title')}
                </Title>
                <Text size="sm" c="dimmed" mt={4}>
                  {t('signIn.subtitle')}
                </Text>
              </Box>
              {message && (
                <Alert color="red" variant="light" icon={<IconAlertCircle />} role="alert" data-testid="sign-in-error">
                  {message}
                </Alert>
              )}
              {!message && last?.reason === 'session_ended' && (
                // The server refused the session (signed out elsewhere, expired, account changed): not "offline".
                <Alert color="orange" variant="light" icon={<IconAlertCircle />} role="status" data-testid="session-ended">
                  {t('signIn.sessionEnded')}
                </Alert>
              )}
              <TextInput
                label={t('signIn.serverUrl')}
                description={t('signIn.serverUrlHint')}
                value={serverUrl}
                onChange={(e) => setServerUrl(e.currentTarget.value)}
                error={fieldError('serverUrl')}
                placeholder="https://crm.example.com"
                autoComplete="url"
                inputMode="url"
                required
                withAsterisk={false}
              />
              <TextInput
                label={t('signIn.email')}
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={fieldError('email')}
                type="email"
                autoComplete="username"
                required
                withAsterisk={false}
                data-autofocus
              />
              <PasswordInput
                label={t('signIn.password')}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                error={fieldError('password')}
                autoComplete="current-password"
                visibilityToggleButtonProps={{ 'aria-label': t('signIn.showPassword') }}
                required
                withAsterisk={false}
              />
              <Button type="submit" loading={busy} fullWidth size="md" mt="xs">
                {busy ? t('signIn.submitting') : t('signIn.submit')}
              </Button>
            </Stack>
          </form>
        </Paper>
        <Group justify="center" gap="xs">
          <Text size="xs" c="dimmed" id="sign-in-language">
            {t('signIn.language')}
          </Text>
          <SegmentedControl
            size="xs"
            aria-labelledby="sign-in-language"
            value={currentLocale}
            onChange={(v) => void updateSettings({ locale: v === 'zh-CN' ? 'zh-CN' : 'en' })}
            data={[
              { value: 'zh-CN', label: t('settings.languageZh') },
              { value: 'en', label: t('settings.languageEn') },
            ]}
          />
        </Group>
      </Stack>
    </Center>
  );
}

function failureText(t: ReturnType<typeof useTranslation>['t'], f: Failure): string {
  switch (f.code) {
    case 'invalid_credentials':
      return t('signIn.errors.invalid_credentials');
    case 'server_unreachable':
      return t('signIn.errors.server_unreachable', { url: f.url });
    case 'rate_limited':
      return t('signIn.errors.rate_limited');
    case 'bad_request':
      return t('signIn.errors.bad_request');
    default:
      return t('signIn.errors.other', { message: t(`errors.${f.code}`, { message: f.message }) });
  }
}
