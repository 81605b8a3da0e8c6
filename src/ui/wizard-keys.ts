// Keys become machine events (or view actions: the help overlay, the quit question, detail lines).
// Pure: a key and where it was pressed in, an outcome out. Wizard state never lives in an input handler.
import type { Key } from 'ink';
import type { DiagnosisEvent } from '../../machines/diagnosis-machine.js';
import type { ScreenInfo } from './wizard-screens.js';

export interface ViewState {
  readonly overlay: 'none' | 'help' | 'quit' | 'glossary';
  /** Full ARNs and documents instead of shortened ones. */
  readonly details: boolean;
  /** q was pressed while applying: it waits until the steps are done. */
  readonly quitHeld: boolean;
  /** How far the screen's middle region is scrolled; it belongs to one screen and starts at 0 on any other. */
  readonly scroll: ScrollState;
  /** The training course: the screen (scrollKeyOf) whose prediction hint is shown (h). */
  readonly hint?: string;
}

export interface ScrollState {
  /** The screen it belongs to (scrollKeyOf). */
  readonly screen: string;
  /** Lines scrolled past at the top. */
  readonly offset: number;
  /** Lines that do not fit: the largest offset (the frame measures and reports it). */
  readonly room: number;
  /** Lines visible at once, for PgUp/PgDn. */
  readonly page: number;
}

/** Which screen a scroll offset belongs to: a new screen (or part of one) starts at the top. */
export const scrollKeyOf = (screen: Pick<ScreenInfo, 'id' | 'part'>): string => `${screen.id}.${screen.part}`;

/** The offset to show on `screen`: 0 when the scroll state belongs to another screen. */
export const scrollOffsetOn = (scroll: ScrollState, screen: string): number => (scroll.screen === screen ? Math.min(scroll.offset, scroll.room) : 0);

export type ViewAction = { type: 'toggle-help' } | { type: 'toggle-hint'; screen: string } | { type: 'toggle-glossary' } | { type: 'close-overlay' } | { type: 'ask-quit' } | { type: 'toggle-details' } | { type: 'hold-quit' }
  /** Scroll the middle region of `screen` by `by` lines (a page when `by` is 'page-up' or 'page-down'). */
  | { type: 'scroll'; screen: string; by: number | 'page-up' | 'page-down' }
  /** The frame measured `screen`: `room` lines do not fit, `page` lines are visible. */
  | { type: 'scroll-room'; screen: string; room: number; page: number };

export const initialView: ViewState = { overlay: 'none', details: false, quitHeld: false, scroll: { screen: '', offset: 0, room: 0, page: 0 } };

const clamp = (value: number, max: number) => Math.max(0, Math.min(value, max));

function scrollReducer(scroll: ScrollState, action: Extract<ViewAction, { type: 'scroll' | 'scroll-room' }>): ScrollState {
  const current = scroll.screen === action.screen ? scroll : { screen: action.screen, offset: 0, room: 0, page: 0 };
  if (action.type === 'scroll-room') {
    const offset = clamp(current.offset, action.room);
    if (current === scroll && current.room === action.room && current.page === action.page && current.offset === offset) return scroll;
    return { ...current, room: action.room, page: action.page, offset };
  }
  const step = Math.max(1, current.page - 1);
  const by = action.by === 'page-up' ? -step : action.by === 'page-down' ? step : action.by;
  const offset = clamp(current.offset + by, current.room);
  return current === scroll && offset === scroll.offset ? scroll : { ...current, offset };
}

export function viewReducer(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case 'toggle-help':
      return { ...state, overlay: state.overlay === 'help' ? 'none' : 'help' };
    case 'toggle-glossary':
      return { ...state, overlay: state.overlay === 'glossary' ? 'none' : 'glossary' };
    case 'close-overlay':
      return { ...state, overlay: 'none' };
    case 'ask-quit':
      return { ...state, overlay: 'quit' };
    case 'toggle-details':
      return { ...state, details: !state.details };
    case 'hold-quit':
      return { ...state, quitHeld: true };
    case 'toggle-hint': {
      const { hint, ...rest } = state;
      return hint === action.screen ? rest : { ...rest, hint: action.screen };
    }
    case 'scroll':
    case 'scroll-room': {
      const scroll = scrollReducer(state.scroll, action);
      return scroll === state.scroll ? state : { ...state, scroll };
    }
  }
}

export type KeyOutcome = { readonly event: DiagnosisEvent } | { readonly view: ViewAction } | { readonly exit: true } | undefined;

export interface KeyContext {
  readonly screen: ScreenInfo;
  readonly view: ViewState;
  /** Something was written to AWS in this session: quitting asks first. */
  readonly written: boolean;
  /** The list on screen has a filter being typed: its keys are text (only Ctrl-C is the wizard's). */
  readonly listFiltering?: boolean;
}

export type KeyFlags = Pick<Key, 'return' | 'escape' | 'leftArrow' | 'ctrl'> & Partial<Pick<Key, 'upArrow' | 'downArrow' | 'pageUp' | 'pageDown'>>;

export function keyOutcome(input: string, key: KeyFlags, context: KeyContext): KeyOutcome {
  const { screen, view } = context;
  const quit = input === 'q' || (key.ctrl && input === 'c');
  if (view.overlay === 'quit') {
    if (input === 'y') return { exit: true };
    return input === 'n' || key.escape || quit ? { view: { type: 'close-overlay' } } : undefined;
  }
  if (view.overlay === 'help') {
    if (key.upArrow || key.downArrow) return { view: { type: 'scroll', screen: scrollKeyOf(screen), by: key.upArrow ? -1 : 1 } };
    return input === '?' || key.escape || key.return || quit ? { view: { type: 'close-overlay' } } : undefined;
  }
  if (view.overlay === 'glossary') {
    if (key.upArrow || key.downArrow) return { view: { type: 'scroll', screen: scrollKeyOf(screen), by: key.upArrow ? -1 : 1 } };
    return input === 'g' || key.escape || key.return || quit ? { view: { type: 'close-overlay' } } : undefined;
  }
  const typing = screen.mode === 'text' || context.listFiltering === true;
  const wantsQuit = typing ? key.ctrl && input === 'c' : quit;
  if (wantsQuit) {
    if (screen.id === 'applying') return { view: { type: 'hold-quit' } };
    return context.written ? { view: { type: 'ask-quit' } } : { exit: true };
  }
  // Esc clears the filter, Backspace edits it, letters are its text: the list has them.
  if (context.listFiltering) return undefined;
  if (key.escape || (screen.mode !== 'text' && key.leftArrow)) return { event: { type: 'BACK' } };
  // PgUp/PgDn scroll on every screen; ↑/↓ where no menu or text field has them.
  if (key.pageUp || key.pageDown) return { view: { type: 'scroll', screen: scrollKeyOf(screen), by: key.pageUp ? 'page-up' : 'page-down' } };
  if (screen.mode === 'screen' && (key.upArrow || key.downArrow)) return { view: { type: 'scroll', screen: scrollKeyOf(screen), by: key.upArrow ? -1 : 1 } };
  if (screen.mode === 'text') return undefined;
  if (input === '?') return { view: { type: 'toggle-help' } };
  if (input === 'g') return { view: { type: 'toggle-glossary' } };
  if (screen.id === 'predict' && input === 'h') return { view: { type: 'toggle-hint', screen: scrollKeyOf(screen) } };
  if (screen.mode === 'list') return undefined;
  if (input === 'd') return { view: { type: 'toggle-details' } };
  switch (screen.id) {
    case 'failed':
      if (input === 'r') return { event: { type: 'RETRY' } };
      return key.return || input === 'c' ? { event: { type: 'CONTINUE' } } : undefined;
    case 'finished':
      if (input === 'r' || (key.return && (screen.part === 'stillDenied' || screen.part === 'applyFailed'))) return { event: { type: 'RESTART' } };
      // Enter goes back to where a new diagnosis starts (the scenario list in training); q quits.
      return key.return ? { event: { type: 'CONTINUE' } } : undefined;
    case 'verdict':
      if (input === 'r' && !screen.part.startsWith('denied')) return { event: { type: 'RESTART' } };
      if (input === 'c') return { event: { type: 'CHECK_REST' } };
      return key.return ? { event: { type: 'CONTINUE' } } : undefined;
    default:
      return key.return ? { event: { type: 'CONTINUE' } } : undefined;
  }
}
