import { Button, Notification, Portal, Stack } from '@mantine/core';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ToastContext, type Toast } from './toasts';

const SHOW_MS = 10_000;
const MAX_SHOWN = 3;

/** Provides useToast() and renders the toasts bottom-right, newest on top. */
export function ToastHost({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [toasts, setToasts] = useState<(Toast & { id: number })[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const close = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((list) => list.filter((x) => x.id !== id));
  }, []);

  const show = useCallback(
    (toast: Toast) => {
      const id = nextId.current++;
      setToasts((list) => [{ ...toast, id }, ...list].slice(0, MAX_SHOWN));
      timers.current.set(
        id,
        setTimeout(() => close(id), SHOW_MS),
      );
    },
    [close],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => pending.forEach((timer) => clearTimeout(timer));
  }, []);

  return (
    <ToastContext.Provider value={show}>
      {children}
      <Portal>
        <Stack gap="xs" pos="fixed" bottom={16} right={16} w={380} maw="calc(100vw - 32px)" style={{ zIndex: 400 }} role="log" aria-live="polite">
          {toasts.map((toast) => (
            <Notification
              key={toast.id}
              color={toast.color}
              title={toast.title}
              withBorder
              onClose={() => close(toast.id)}
              closeButtonProps={{ 'aria-label': t('common.close') }}
              data-testid="toast"
            >
              {toast.message}
              {toast.action && (
                <Button
                  size="compact-sm"
                  variant="light"
                  color={toast.color}
                  mt={6}
                  display="block"
                  onClick={() => {
                    toast.action?.onClick();
                    close(toast.id);
                  }}
                >
                  {toast.action.label}
                </Button>
              )}
            </Notification>
          ))}
        </Stack>
      </Portal>
    </ToastContext.Provider>
  );
}
