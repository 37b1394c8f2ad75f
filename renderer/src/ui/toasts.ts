import { createContext, useContext, type ReactNode } from 'react';

export interface Toast {
  color: string;
  title: ReactNode;
  message: ReactNode;
  /** A button in the toast, e.g. "Open Needs attention". */
  action?: { label: ReactNode; onClick: () => void };
}

export const ToastContext = createContext<(toast: Toast) => void>(() => undefined);

/** Shows a short message in the corner; it goes away by itself. */
export function useToast(): (toast: Toast) => void {
  return useContext(ToastContext);
}
