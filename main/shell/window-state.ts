import { screen, type BrowserWindow, type Rectangle } from 'electron';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1280, height: 800 };
export const MIN_SIZE = { width: 960, height: 600 };
/** How much of the window must stay on some display for its position to be kept. */
const MIN_VISIBLE_PX = 100;

export const WindowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(200).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Keeps a saved window on a display that exists now (a monitor may have been
 * unplugged): too-large windows shrink to the work area, and a window with too
 * little on screen moves to the middle of the primary display.
 */
export function clampToDisplays(state: WindowState, workAreas: Rectangle[], primary: Rectangle): WindowState {
  const { x, y } = state;
  if (x !== undefined && y !== undefined) {
    const bounds = { x, y, width: state.width, height: state.height };
    const home = workAreas.find((area) => {
      const o = overlap(bounds, area);
      return o.width >= Math.min(MIN_VISIBLE_PX, bounds.width) && o.height >= Math.min(MIN_VISIBLE_PX, bounds.height);
    });
    if (home) {
      const width = Math.min(state.width, home.width);
      const height = Math.min(state.height, home.height);
      // Keep the title bar reachable: the top edge stays inside the work area.
      const clampedX = Math.min(Math.max(x, home.x - width + MIN_VISIBLE_PX), home.x + home.width - MIN_VISIBLE_PX);
      const clampedY = Math.min(Math.max(y, home.y), home.y + home.height - MIN_VISIBLE_PX);
      return { ...state, x: clampedX, y: clampedY, width, height };
    }
  }
  const width = Math.min(state.width, primary.width);
  const height = Math.min(state.height, primary.height);
  return {
    ...state,
    width,
    height,
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
  };
}

export function windowStateFile(dataDir: string): string {
  return join(dataDir, WINDOW_STATE_FILE);
}

/** The saved state fitted to today's displays, or a centred default. */
export function loadWindowState(file: string): WindowState {
  let saved: WindowState = { ...DEFAULT_SIZE, maximized: false };
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) saved = parsed.data;
  } catch {
    // no file yet, or unreadable: start from the default
  }
  const workAreas = screen.getAllDisplays().map((d) => d.workArea);
  return clampToDisplays(saved, workAreas, screen.getPrimaryDisplay().workArea);
}

export function saveWindowState(file: string, win: BrowserWindow): void {
  const bounds = win.getNormalBounds();
  const state: WindowState = {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.round(bounds.width),
    height: Math.round(bounds.height),
    maximized: win.isMaximized(),
  };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.tmp`;
  // Owner-only like everything in the data folder (it says where the user works on screen, little as that is).
  writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
  renameSync(temp, file);
}

/** Saves the window's size and position when it moves, resizes or closes. */
export function trackWindowState(win: BrowserWindow, file: string, onError: (error: unknown) => void): void {
  let timer: NodeJS.Timeout | null = null;
  const save = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    try {
      if (!win.isDestroyed()) saveWindowState(file, win);
    } catch (error) {
      onError(error);
    }
  };
  const later = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('maximize', save);
  win.on('unmaximize', save);
  win.on('close', save);
}
