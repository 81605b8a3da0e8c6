// Keys become machine events (or view actions: the help overlay, the quit question, detail lines).
// Pure: a key and where it was pressed in, an outcome out. Wizard state never lives in an input handler.
import type { Key } from 'ink';
import type { DiagnosisEvent } from '../../machines/diagnosis-machine.js';
import type { ScreenInfo } from './wizard-screens.js';

export interface ViewState {
  readonly overlay: 'none' | 'help' | 'quit';
  /** Full ARNs and documents instead of shortened ones. */
  readonly details: boolean;
  /** q was pressed while applying: it waits until the steps are done. */
  readonly quitHeld: boolean;
}

export type ViewAction = { type: 'toggle-help' } | { type: 'close-overlay' } | { type: 'ask-quit' } | { type: 'toggle-details' } | { type: 'hold-quit' };

export const initialView: ViewState = { overlay: 'none', details: false, quitHeld: false };

export function viewReducer(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case 'toggle-help':
      return { ...state, overlay: state.overlay === 'help' ? 'none' : 'help' };
    case 'close-overlay':
      return { ...state, overlay: 'none' };
    case 'ask-quit':
      return { ...state, overlay: 'quit' };
    case 'toggle-details':
      return { ...state, details: !state.details };
    case 'hold-quit':
      return { ...state, quitHeld: true };
  }
}

export type KeyOutcome = { readonly event: DiagnosisEvent } | { readonly view: ViewAction } | { readonly exit: true } | undefined;

export interface KeyContext {
  readonly screen: ScreenInfo;
  readonly view: ViewState;
  /** Something was written to AWS in this session: quitting asks first. */
  readonly written: boolean;
}

export function keyOutcome(input: string, key: Pick<Key, 'return' | 'escape' | 'leftArrow' | 'ctrl'>, context: KeyContext): KeyOutcome {
  const { screen, view } = context;
  const quit = input === 'q' || (key.ctrl && input === 'c');
  if (view.overlay === 'quit') {
    if (input === 'y') return { exit: true };
    return input === 'n' || key.escape || quit ? { view: { type: 'close-overlay' } } : undefined;
  }
  if (view.overlay === 'help') return input === '?' || key.escape || key.return || quit ? { view: { type: 'close-overlay' } } : undefined;
  const wantsQuit = screen.mode === 'text' ? key.ctrl && input === 'c' : quit;
  if (wantsQuit) {
    if (screen.id === 'applying') return { view: { type: 'hold-quit' } };
    return context.written ? { view: { type: 'ask-quit' } } : { exit: true };
  }
  if (key.escape || (screen.mode !== 'text' && key.leftArrow)) return { event: { type: 'BACK' } };
  if (screen.mode === 'text') return undefined;
  if (input === '?') return { view: { type: 'toggle-help' } };
  if (screen.mode === 'list') return undefined;
  if (input === 'd') return { view: { type: 'toggle-details' } };
  switch (screen.id) {
    case 'failed':
      if (input === 'r') return { event: { type: 'RETRY' } };
      return key.return || input === 'c' ? { event: { type: 'CONTINUE' } } : undefined;
    case 'finished':
      if (input === 'r' || (key.return && (screen.part === 'stillDenied' || screen.part === 'applyFailed'))) return { event: { type: 'RESTART' } };
      return key.return ? { exit: true } : undefined;
    case 'verdict':
      if (input === 'r' && !screen.part.startsWith('denied')) return { event: { type: 'RESTART' } };
      return key.return ? { event: { type: 'CONTINUE' } } : undefined;
    default:
      return key.return ? { event: { type: 'CONTINUE' } } : undefined;
  }
}
