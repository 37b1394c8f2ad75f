import { Button, EmptyState, Paper, Text } from '@mantine/core';
import type { Icon } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/**
 * An empty view that still helps: what will appear here, why it matters,
 * and the next thing to do.
 */
export function EmptyHint(props: {
  icon: Icon;
  title: string;
  body: string;
  /** Block content under the description (a list, a figure). */
  details?: ReactNode;
  next?: string;
  action?: { label: string; onClick: () => void };
  testId?: string;
}) {
  const { icon: IconComponent, title, body, details, next, action, testId } = props;
  return (
    <Paper withBorder radius="lg" p="xl" data-testid={testId ?? 'empty-state'}>
      <EmptyState
        icon={<IconComponent size={30} stroke={1.5} />}
        variant="light"
        title={title}
        description={body}
        size="md"
      >
        {details}
        {next && (
          <Text size="sm" fw={500} ta="center" mt="xs">
            {next}
          </Text>
        )}
        {action && (
          <EmptyState.Actions>
            <Button variant="light" onClick={action.onClick}>
              {action.label}
            </Button>
          </EmptyState.Actions>
        )}
      </EmptyState>
    </Paper>
  );
}
