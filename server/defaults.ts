/** The team server's port unless --port or PORT says otherwise. */
export const DEFAULT_PORT = 4310;
