import { shell, type WebContents } from 'electron';

/**
 * Whether `url` is the app's own page: the same origin, and for file:// the
 * same index file (file:// URLs share one opaque origin). Hash and query may differ.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let target: URL;
  let app: URL;
  try {
    target = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return target.protocol === 'file:' && target.pathname === app.pathname;
  return target.origin === app.origin;
}

/** Links to the web open in the user's browser; nothing else leaves the app. */
function isExternalLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' || protocol === 'mailto:';
  } catch {
    return false;
  }
}

/** Keeps the window on the app's own origin: no navigation away, no new windows, no webviews. */
export function installNavigationGuards(contents: WebContents, appUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (!isAppUrl(url, appUrl) && isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}
