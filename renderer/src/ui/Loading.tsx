import { Skeleton } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Placeholder while a view's first load is in flight. */
export function Loading({ h = 320 }: { h?: number }) {
  const { t } = useTranslation();
  return <Skeleton h={h} radius="lg" aria-busy="true" aria-label={t('common.loading')} data-testid="view-loading" />;
}
