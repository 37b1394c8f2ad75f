import { Alert, Badge, Button, Code, Group, Modal, Paper, Select, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertOctagon, IconArrowBackUp, IconCircleCheck, IconTrash } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LeadSchema } from '../../../../shared/domain/entities';
import { STAGES, type Stage } from '../../../../shared/domain/enums';
import type { AttentionItem } from '../../../../shared/ipc/contract';
import { ApiError } from '../../api/client';
import { newId, useAttentionActions } from '../../api/mutate';
import { useFormat } from '../../i18n/format';
import { EmptyHint } from '../../ui/EmptyHint';
import { LoadError } from '../../ui/LoadError';
import { Loading } from '../../ui/Loading';
import { ViewHeader } from '../../ui/ViewHeader';
import { LEAD_FIELDS, leadValues, toForm, type LeadField, type LeadValues } from '../leads/lead-form';
import { LeadEditForm, REFUSALS } from '../leads/LeadEditForm';
import { useAttention } from './attention-context';
import { classify, localizedReason, mutationLabelKey, type AttentionKind } from './attention-model';

type T = ReturnType<typeof useTranslation>['t'];

/**
 * Every write the team server refused, one card each: what it was, why, the
 * user's values beside the server's, and the two ways out (fix and send again,
 * or discard). Nothing here is ever dropped without the user's click.
 */
export function AttentionView() {
  const { t } = useTranslation();
  const { items, loading, reload } = useAttention();
  const [failure, setFailure] = useState<ApiError | null>(null);

  return (
    <Stack gap={0}>
      <ViewHeader title={t('attention.title')} subtitle={t('attention.subtitle')} />
      {failure && <LoadError error={failure} onRetry={() => { setFailure(null); reload(); }} />}
      {loading && items.length === 0 ? (
        <Loading h={200} />
      ) : items.length === 0 ? (
        <EmptyHint icon={IconCircleCheck} title={t('attention.empty.title')} body={t('attention.empty.body')} next={t('attention.empty.next')} />
      ) : (
        <Stack gap="md" data-testid="attention-list">
          {items.map((item) => (
            <AttentionCard key={item.mutationId} item={item} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function AttentionCard({ item }: { item: AttentionItem }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const kind = classify(item);
  const [fixing, setFixing] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const label = item.subject?.label ?? subjectFallback(kind);

  return (
    <Paper withBorder radius="lg" p="lg" component="article" aria-label={`${t(mutationLabelKey(item.name))}: ${label}`} data-testid="attention-card">
      <Group justify="space-between" align="flex-start" wrap="nowrap" mb="sm">
        <Group gap="sm" wrap="nowrap" align="flex-start">
          <ThemeIcon color="red" variant="light" size={36} radius="md" aria-hidden>
            <IconAlertOctagon size={20} />
          </ThemeIcon>
          <Stack gap={2}>
            <Title order={3} size="h4">
              {t(mutationLabelKey(item.name))} · {label}
            </Title>
            <Text size="xs" c="dimmed">
              {t('attention.madeAt', { time: fmt.dateTime(item.at) })}
            </Text>
          </Stack>
        </Group>
        {item.code && (
          <Badge color={item.code === 'conflict' ? 'orange' : 'red'} variant="light">
            {t(`attention.codes.${codeKey(item.code)}`)}
          </Badge>
        )}
      </Group>

      <Text size="sm" mb="md" data-testid="attention-reason">
        {localizedReason(item, i18n.language) ?? t('attention.noReason')}
      </Text>

      <Details item={item} kind={kind} />

      {item.supportId && (
        <Text size="xs" c="dimmed" mt="sm">
          {t('attention.supportId')} <Code data-testid="attention-support-id">{item.supportId}</Code>
        </Text>
      )}

      <Group gap="sm" mt="md">
        <Button leftSection={<IconArrowBackUp size={16} />} onClick={() => setFixing(true)}>
          {t('attention.fix')}
        </Button>
        <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => setDiscarding(true)}>
          {t('attention.discard')}
        </Button>
      </Group>

      <Modal opened={fixing} onClose={() => setFixing(false)} title={t('attention.fixTitle', { label })} size="lg" closeButtonProps={{ 'aria-label': t('common.close') }}>
        {fixing && <FixForm item={item} kind={kind} onDone={() => setFixing(false)} />}
      </Modal>
      <DiscardDialog item={item} label={label} opened={discarding} onClose={() => setDiscarding(false)} />
    </Paper>
  );
}

function subjectFallback(kind: AttentionKind): string {
  switch (kind.kind) {
    case 'lead.update@1':
    case 'lead.logTouch@1':
      return kind.args.leadId;
    case 'deal.moveStage@1':
      return kind.args.opportunityId;
    default:
      return '—';
  }
}

const KNOWN_CODES = ['conflict', 'forbidden', 'not_found', 'validation', 'bad_request', 'gate_blocked', 'server_error', 'unknown_mutation'] as const;
function codeKey(code: string): (typeof KNOWN_CODES)[number] | 'other' {
  return (KNOWN_CODES as readonly string[]).includes(code) ? (code as (typeof KNOWN_CODES)[number]) : 'other';
}

/** The record's current values as the cache holds them (the server's, since refused writes are not replayed). */
function currentLead(item: AttentionItem): LeadValues | null {
  const parsed = LeadSchema.safeParse(item.subject?.row);
  return parsed.success ? leadValues(parsed.data) : null;
}

/** The server's value of one field: what the refusal reported, else the cached row. */
function serverValue(item: AttentionItem, field: string): unknown {
  if (item.serverValues && field in item.serverValues) return item.serverValues[field];
  return item.subject?.row?.[field] ?? null;
}

function show(t: T, field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return t('common.notSet');
  if (field === 'need' && typeof value === 'string') return t(`needs.${value as 'quote'}`, { defaultValue: value });
  if ((field === 'stage' || field === 'toStage') && typeof value === 'string') return t(`stages.${value as 'lead'}`, { defaultValue: value });
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Details({ item, kind }: { item: AttentionItem; kind: AttentionKind }) {
  const { t } = useTranslation();
  switch (kind.kind) {
    case 'lead.update@1': {
      const fields = LEAD_FIELDS.filter((f) => f in kind.args.patch);
      return (
        <Compare
          rows={fields.map((f) => ({
            key: f,
            label: t(`leadForm.fields.${f}`),
            mine: show(t, f, kind.args.patch[f]),
            theirs: show(t, f, serverValue(item, f)),
            conflict: item.fields.includes(f),
          }))}
        />
      );
    }
    case 'deal.moveStage@1':
      return (
        <Compare
          rows={[
            {
              key: 'stage',
              label: t('attention.stage'),
              mine: t('attention.stageMove', { from: show(t, 'stage', kind.args.fromStage), to: show(t, 'stage', kind.args.toStage) }),
              theirs: show(t, 'stage', serverValue(item, 'stage')),
              conflict: item.fields.includes('stage'),
            },
          ]}
        />
      );
    case 'lead.logTouch@1':
      return (
        <Compare
          rows={[{ key: 'touch', label: t(`activityTypes.${kind.args.type}`), mine: kind.args.subject, theirs: t('common.notSet'), conflict: false }]}
        />
      );
    default:
      return null;
  }
}

function Compare({ rows }: { rows: { key: string; label: string; mine: string; theirs: string; conflict: boolean }[] }) {
  const { t } = useTranslation();
  return (
    <Table withTableBorder verticalSpacing="xs" aria-label={t('attention.compare')} data-testid="attention-compare">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="22%">{t('attention.field')}</Table.Th>
          <Table.Th>{t('attention.yours')}</Table.Th>
          <Table.Th>{t('attention.theirs')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.key} bg={r.conflict ? 'var(--mantine-color-orange-light)' : undefined} data-testid={`compare-${r.key}`}>
            <Table.Td>
              <Group gap={6}>
                <Text size="sm" fw={600}>
                  {r.label}
                </Text>
                {r.conflict && (
                  <Badge size="xs" color="orange" variant="filled">
                    {t('attention.conflict')}
                  </Badge>
                )}
              </Group>
            </Table.Td>
            <Table.Td data-testid="compare-mine">
              <Text size="sm" fw={600}>
                {r.mine}
              </Text>
            </Table.Td>
            <Table.Td data-testid="compare-theirs">
              <Text size="sm">{r.theirs}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** "Fix and send again": the same form the change came from, prefilled with the user's input. */
function FixForm({ item, kind, onDone }: { item: AttentionItem; kind: AttentionKind; onDone: () => void }) {
  const { t } = useTranslation();
  const { resend } = useAttentionActions();

  if (kind.kind === 'lead.update@1') {
    const { leadId, patch } = kind.args;
    // The server's values now become the base, so the corrected change applies on top of them.
    const server: LeadValues = currentLead(item) ?? {
      name: String(serverValue(item, 'name') ?? ''),
      mobile: nullableString(serverValue(item, 'mobile')),
      company: nullableString(serverValue(item, 'company')),
      city: nullableString(serverValue(item, 'city')),
      need: LeadSchema.shape.need.catch('other').parse(serverValue(item, 'need')),
    };
    for (const f of item.fields) if (item.serverValues && f in item.serverValues) Object.assign(server, { [f]: item.serverValues[f] });
    const hints: Partial<Record<LeadField, string>> = {};
    for (const f of LEAD_FIELDS) if (item.fields.includes(f)) hints[f] = t('attention.serverNow', { value: show(t, f, server[f]) });
    return (
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('attention.fixHint')}
        </Text>
        <LeadEditForm
          base={server}
          initial={toForm({ ...server, ...patch })}
          hints={hints}
          submitLabel={t('attention.sendAgain')}
          onCancel={onDone}
          onSubmit={async (change) => {
            await resend(item.mutationId, { leadId, patch: change.patch, base: change.base });
            onDone();
          }}
        />
      </Stack>
    );
  }
  if (kind.kind === 'deal.moveStage@1') return <FixStageMove item={item} args={kind.args} onDone={onDone} />;
  return (
    <ResendAsIs
      item={item}
      onDone={onDone}
      send={() => resend(item.mutationId, item.args)}
      summary={kind.kind === 'lead.logTouch@1' ? `${t(`activityTypes.${kind.args.type}`)}: ${kind.args.subject}` : null}
    />
  );
}

function nullableString(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function FixStageMove(props: { item: AttentionItem; args: Extract<AttentionKind, { kind: 'deal.moveStage@1' }>['args']; onDone: () => void }) {
  const { item, args, onDone } = props;
  const { t } = useTranslation();
  const { resend } = useAttentionActions();
  const current = STAGES.find((s) => s === serverValue(item, 'stage')) ?? args.fromStage;
  const [to, setTo] = useState<Stage>(args.toStage);
  return (
    <ResendForm
      onDone={onDone}
      send={() => resend(item.mutationId, { opportunityId: args.opportunityId, historyId: newId(), fromStage: current, toStage: to })}
    >
      <Text size="sm">{t('attention.stageNow', { stage: show(t, 'stage', current) })}</Text>
      <Select
        label={t('attention.moveTo')}
        data={STAGES.filter((s) => s !== current).map((s) => ({ value: s, label: t(`stages.${s}`) }))}
        value={to === current ? null : to}
        onChange={(v) => v && setTo(v as Stage)}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
    </ResendForm>
  );
}

function ResendAsIs({ item, summary, send, onDone }: { item: AttentionItem; summary: string | null; send: () => Promise<unknown>; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <ResendForm onDone={onDone} send={send}>
      <Text size="sm">{t('attention.resendAsIs', { kind: t(mutationLabelKey(item.name)) })}</Text>
      {summary && (
        <Text size="sm" fw={600}>
          {summary}
        </Text>
      )}
    </ResendForm>
  );
}

function ResendForm({ children, send, onDone }: { children: ReactNode; send: () => Promise<unknown>; onDone: () => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <Stack gap="sm">
      {failure && (
        <Alert color="red" variant="light" role="alert">
          {failure}
        </Alert>
      )}
      {children}
      <Group justify="flex-end" gap="xs">
        <Button variant="default" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button
          loading={busy}
          onClick={() => {
            setBusy(true);
            setFailure(null);
            send().then(onDone, (error: unknown) => {
              const e = error instanceof ApiError ? error : new ApiError({ code: 'internal', message: String(error) });
              setFailure(REFUSALS.has(e.code) ? e.message : t(`errors.${e.code}`, { message: e.message }));
              setBusy(false);
            });
          }}
        >
          {t('attention.sendAgain')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Deleting the user's input needs their explicit yes. */
function DiscardDialog({ item, label, opened, onClose }: { item: AttentionItem; label: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { discard } = useAttentionActions();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <Modal opened={opened} onClose={onClose} title={t('attention.discardTitle')} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <Stack gap="sm">
        <Text size="sm">{t('attention.discardBody', { kind: t(mutationLabelKey(item.name)), label })}</Text>
        {failure && (
          <Alert color="red" variant="light" role="alert">
            {failure}
          </Alert>
        )}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose} data-autofocus>
            {t('attention.keep')}
          </Button>
          <Button
            color="red"
            loading={busy}
            onClick={() => {
              setBusy(true);
              discard(item.mutationId).then(
                () => {
                  setBusy(false);
                  onClose();
                },
                (error: unknown) => {
                  setBusy(false);
                  setFailure(error instanceof Error ? error.message : String(error));
                },
              );
            }}
          >
            {t('attention.discardConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
