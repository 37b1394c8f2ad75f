import { Button, Group, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActivityType } from '../../../../shared/domain/enums';
import { ApiError } from '../../api/client';
import { errorFields, newId, useMutate } from '../../api/mutate';
import { REFUSALS } from './LeadEditForm';

/** The kinds of touch a rep logs from the cockpit (meetings come from the calendar). */
export const TOUCH_TYPES = ['call', 'wechat', 'visit', 'email', 'note'] as const satisfies readonly ActivityType[];
type TouchType = (typeof TOUCH_TYPES)[number];
type TouchField = 'subject' | 'body';

/** Logs a call, WeChat chat, visit, email or note on a lead: the first one stops its first-response clock. */
export function TouchForm({ leadId, readOnly = false }: { leadId: string; readOnly?: boolean }) {
  const { t } = useTranslation();
  const mutate = useMutate();
  const [type, setType] = useState<TouchType>('call');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [badFields, setBadFields] = useState<TouchField[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [logged, setLogged] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const bad: TouchField[] = [];
    if (subject.trim() === '' || subject.trim().length > 200) bad.push('subject');
    if (body.length > 10_000) bad.push('body');
    setBadFields(bad);
    setFailure(null);
    setLogged(false);
    if (bad.length > 0) return;
    setBusy(true);
    try {
      await mutate('lead.logTouch@1', {
        leadId,
        activityId: newId(),
        type,
        subject: subject.trim(),
        body: body.trim() === '' ? null : body,
        occurredAt: new Date().toISOString(),
      });
      setSubject('');
      setBody('');
      setLogged(true);
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) });
      const fields = errorFields(e, ['subject', 'body'] as const);
      setBadFields(fields);
      if (e.code !== 'bad_request' || fields.length === 0) setFailure(REFUSALS.has(e.code) ? e.message : t(`errors.${e.code}`, { message: e.message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('touch.label')} data-testid="touch-form">
      <Stack gap="sm">
        <SegmentedControl
          aria-label={t('touch.type')}
          value={type}
          onChange={(v) => setType(v as TouchType)}
          data={TOUCH_TYPES.map((k) => ({ value: k, label: t(`activityTypes.${k}`) }))}
          disabled={readOnly}
          fullWidth
          size="xs"
        />
        <TextInput
          label={t('touch.subject')}
          placeholder={t(`touch.placeholders.${type}`)}
          value={subject}
          onChange={(e) => {
            setSubject(e.currentTarget.value);
            setBadFields((b) => b.filter((f) => f !== 'subject'));
          }}
          error={badFields.includes('subject') ? t('touch.errors.subject') : undefined}
          readOnly={readOnly}
        />
        <Textarea
          label={t('touch.body')}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          error={badFields.includes('body') ? t('touch.errors.body') : undefined}
          autosize
          minRows={2}
          maxRows={6}
          readOnly={readOnly}
        />
        {failure && (
          <Text size="sm" c="red" role="alert">
            {failure}
          </Text>
        )}
        {!readOnly && (
          <Group justify="space-between">
            <Group gap={4} c="teal" role="status">
              {logged && (
                <>
                  <IconCircleCheck size={16} aria-hidden />
                  <Text size="sm">{t('touch.logged')}</Text>
                </>
              )}
            </Group>
            <Button type="submit" loading={busy} variant="light">
              {t('touch.submit')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
