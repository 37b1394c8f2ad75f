import { Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function ViewHeader({ title, subtitle, actions }: { title: string; subtitle: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap" gap="md">
      <Stack gap={4} maw={760}>
        <Title order={2}>{title}</Title>
        <Text c="dimmed" size="sm">
          {subtitle}
        </Text>
      </Stack>
      {actions}
    </Group>
  );
}
