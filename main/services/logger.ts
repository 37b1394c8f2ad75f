/** The little logging the main process needs; tests pass a silent or recording one. */
export interface Logger {
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (message, detail) => (detail === undefined ? console.info(message) : console.info(message, detail)),
  warn: (message, detail) => (detail === undefined ? console.warn(message) : console.warn(message, detail)),
  error: (message, detail) => (detail === undefined ? console.error(message) : console.error(message, detail)),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
