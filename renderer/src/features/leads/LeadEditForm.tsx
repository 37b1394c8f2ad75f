import { Alert, Button, Group, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LEAD_NEEDS, type LeadNeed } from '../../../../shared/domain/enums';
import { ApiError } from '../../api/client';
import { errorFields } from '../../api/mutate';
import { diff, invalidFields, LEAD_FIELDS, sameForm, toForm, type LeadField, type LeadFormValues, type LeadPatch, type LeadValues } from './lead-form';

/** Codes of a refusal by the shared mutation rule: its message is already in the user's language. */
export const REFUSALS: ReadonlySet<string> = new Set(['bad_request', 'forbidden', 'conflict', 'not_found']);

interface Props {
  /** The values the user is shown as the record's current state; `base` is taken from here. */
  base: LeadValues;
  /** Prefilled input (the user's earlier values when fixing a refused change). */
  initial?: LeadFormValues;
  /** Text under a field, e.g. the server's value beside the user's. */
  hints?: Partial<Record<LeadField, string>>;
  readOnly?: boolean;
  submitLabel: string;
  onSubmit: (change: { patch: LeadPatch; base: LeadPatch }) => Promise<void>;
  onCancel?: () => void;
}

/**
 * Edits a lead's plain fields. While the user has not typed anything, a newer
 * copy of the lead replaces what is shown; once they have, their input and the
 * values they saw stay, so a conflict is detected instead of overwritten.
 */
export function LeadEditForm({ base, initial, hints, readOnly = false, submitLabel, onSubmit, onCancel }: Props) {
  const { t } = useTranslation();
  const baseKey = JSON.stringify(base);
  const [form, setForm] = useState(() => ({ key: baseKey, base, values: initial ?? toForm(base) }));
  if (form.key !== baseKey && sameForm(form.values, toForm(form.base))) {
    setForm({ key: baseKey, base, values: toForm(base) });
  }
  const [busy, setBusy] = useState(false);
  const [badFields, setBadFields] = useState<LeadField[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const dirty = !sameForm(form.values, toForm(form.base));

  const set = (field: LeadField, value: string) => {
    setForm((f) => ({ ...f, values: { ...f.values, [field]: value } }));
    setBadFields((b) => b.filter((x) => x !== field));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const change = diff(form.values, form.base);
    if (Object.keys(change.patch).length === 0) {
      setFailure(t('leadForm.nothingChanged'));
      return;
    }
    // The shared schema first: the user sees which box is wrong without a round trip.
    const invalid = invalidFields(change.patch);
    setBadFields(invalid);
    if (invalid.length > 0) {
      setFailure(null);
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      await onSubmit(change);
      // Saved: what was sent is now what the user "saw".
      setForm((f) => ({ ...f, base: { ...f.base, ...change.patch } as LeadValues }));
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) });
      const fields = errorFields(e, LEAD_FIELDS);
      setBadFields(fields);
      // Refusals by the shared rule arrive already in the user's language; input errors are named per field.
      if (e.code !== 'bad_request' || fields.length === 0) setFailure(REFUSALS.has(e.code) ? e.message : t(`errors.${e.code}`, { message: e.message }));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (f: LeadField) => (badFields.includes(f) ? t(`leadForm.errors.${f}`) : undefined);
  const text = (f: Exclude<LeadField, 'need'>, props: { autoComplete?: string; inputMode?: 'tel' | 'text' } = {}) => (
    <TextInput
      label={t(`leadForm.fields.${f}`)}
      value={form.values[f]}
      onChange={(e) => set(f, e.currentTarget.value)}
      error={fieldError(f)}
      description={hints?.[f]}
      readOnly={readOnly}
      name={f}
      {...props}
    />
  );

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label={t('leadForm.label')} data-testid="lead-form">
      <Stack gap="sm">
        {failure && (
          <Alert color="red" variant="light" icon={<IconAlertCircle />} role="alert" data-testid="lead-form-error">
            {failure}
          </Alert>
        )}
        {text('name')}
        <SimpleGrid cols={2} spacing="sm">
          {text('mobile', { autoComplete: 'tel', inputMode: 'tel' })}
          {text('city')}
        </SimpleGrid>
        {text('company')}
        <Select
          label={t('leadForm.fields.need')}
          data={LEAD_NEEDS.map((n) => ({ value: n, label: t(`needs.${n}`) }))}
          value={form.values.need}
          onChange={(v) => v && set('need', v as LeadNeed)}
          error={fieldError('need')}
          description={hints?.need}
          allowDeselect={false}
          readOnly={readOnly}
          comboboxProps={{ withinPortal: true }}
        />
        {!readOnly && (
          <Group justify="space-between" mt="xs">
            <Text size="xs" c="dimmed">
              {dirty ? t('leadForm.unsaved') : ''}
            </Text>
            <Group gap="xs">
              {onCancel && (
                <Button variant="default" onClick={onCancel}>
                  {t('common.cancel')}
                </Button>
              )}
              <Button type="submit" loading={busy} disabled={!dirty}>
                {submitLabel}
              </Button>
            </Group>
          </Group>
        )}
      </Stack>
    </form>
  );
}
