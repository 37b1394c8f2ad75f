import { Menu, Tray, nativeImage } from 'electron';

export interface TrayActions {
  open(): void;
  quit(): void;
}

/** A tray icon that brings the cockpit back and quits it. */
export function createTray(iconFile: string, actions: TrayActions): Tray {
  const tray = new Tray(nativeImage.createFromPath(iconFile));
  tray.setToolTip('Verity');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Verity', click: () => actions.open() },
      { type: 'separator' },
      { label: 'Quit', click: () => actions.quit() },
    ]),
  );
  tray.on('click', () => actions.open());
  return tray;
}
