// A one-line text field: typing, pasting (a bracketed paste is text, its line breaks become spaces; an
// unbracketed one is keys, so a newline at its end submits), ← → to move, Home/End and Ctrl-A/E, Backspace, Delete (forward), Ctrl-U and Ctrl-W. Its state is a reducer applied at once, so a paste that ends in
// Enter submits exactly what was pasted.
import { Text, useInput, useStdin } from 'ink';
import { useContext, useEffect, useLayoutEffect } from 'react';
import { PasteContext } from '../bracketed-paste.js';
import { useImmediateReducer } from '../use-immediate-reducer.js';

interface FieldState {
  readonly value: string;
  readonly cursor: number;
}

type FieldAction =
  | { type: 'insert'; text: string }
  | { type: 'delete-back' }
  /** The Delete key: the character under the cursor. */
  | { type: 'delete-forward' }
  | { type: 'move'; by: number }
  | { type: 'home' }
  | { type: 'end' }
  /** Ctrl-U: everything before the cursor. */
  | { type: 'delete-to-start' }
  /** Ctrl-W: the word before the cursor, and the spaces after it. */
  | { type: 'delete-word-back' };

export function fieldReducer(state: FieldState, action: FieldAction): FieldState {
  switch (action.type) {
    case 'insert':
      return { value: state.value.slice(0, state.cursor) + action.text + state.value.slice(state.cursor), cursor: state.cursor + action.text.length };
    case 'delete-back':
      return state.cursor === 0 ? state : { value: state.value.slice(0, state.cursor - 1) + state.value.slice(state.cursor), cursor: state.cursor - 1 };
    case 'delete-forward':
      return state.cursor === state.value.length ? state : { ...state, value: state.value.slice(0, state.cursor) + state.value.slice(state.cursor + 1) };
    case 'move':
      return { ...state, cursor: Math.min(state.value.length, Math.max(0, state.cursor + action.by)) };
    case 'home':
      return { ...state, cursor: 0 };
    case 'end':
      return { ...state, cursor: state.value.length };
    case 'delete-to-start':
      return { value: state.value.slice(state.cursor), cursor: 0 };
    case 'delete-word-back': {
      const start = state.value.slice(0, state.cursor).replace(/\S*\s*$/, '').length;
      return { value: state.value.slice(0, start) + state.value.slice(state.cursor), cursor: start };
    }
  }
}

/** Line breaks as spaces, control characters (an ESC inside a paste too) dropped: the field is one line. */
// eslint-disable-next-line no-control-regex
const asOneLine = (text: string): string => text.replace(/\r?\n|\r/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '');

/** What the Delete key sends (VT220 "Remove"), as xterm and every common terminal do. */
const DELETE = '\u001b[3~';

export interface TextFieldProps {
  readonly defaultValue?: string;
  /** Shown dimmed while the field is empty. */
  readonly placeholder?: string;
  readonly onSubmit: (value: string) => void;
}

export function TextField({ defaultValue = '', placeholder = '', onSubmit }: TextFieldProps) {
  const [state, apply] = useImmediateReducer(fieldReducer, { value: defaultValue, cursor: defaultValue.length });
  // Ink reports Backspace (0x7f, 0x08) and Delete (ESC [3~) alike, as key.delete or key.backspace, with no
  // text: only the raw key tells them apart, so they are read from the key events Ink splits stdin into.
  const { internal_eventEmitter: keyEvents } = useStdin();
  useEffect(() => {
    const onKey = (raw: string) => {
      if (raw === DELETE) apply({ type: 'delete-forward' });
      else if (raw === '\u007f' || raw === '\b') apply({ type: 'delete-back' });
    };
    keyEvents?.on('input', onKey);
    return () => void keyEvents?.removeListener('input', onKey);
  }, [keyEvents, apply]);
  // A bracketed paste arrives whole, outside the key events (PasteAwareStdin): its line breaks are text.
  // Subscribed in the commit that shows the field (a layout effect), so a paste made as soon as the field
  // is on screen is not lost to a listener that a passive effect would add later.
  const pastes = useContext(PasteContext);
  useLayoutEffect(() => pastes?.onPaste((text) => void apply({ type: 'insert', text: asOneLine(text) })), [pastes, apply]);
  useInput((input, key) => {
    if (key.return) return onSubmit(apply({ type: 'move', by: 0 }).value);
    if (key.backspace || key.delete) return; // read raw above
    if (key.leftArrow || key.rightArrow) return void apply({ type: 'move', by: key.leftArrow ? -1 : 1 });
    // The readline keys every shell has: Home/End, Ctrl-A/E, Ctrl-U, Ctrl-W.
    if (key.home || (key.ctrl && input === 'a')) return void apply({ type: 'home' });
    if (key.end || (key.ctrl && input === 'e')) return void apply({ type: 'end' });
    if (key.ctrl && input === 'u') return void apply({ type: 'delete-to-start' });
    if (key.ctrl && input === 'w') return void apply({ type: 'delete-word-back' });
    if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || input === '') return;
    // Without bracketed paste (a terminal that ignores mode 2004), a paste is typed keys: a newline at its end submits.
    const submits = /[\r\n]$/.test(input);
    const text = asOneLine(input.replace(/[\r\n]+$/, ''));
    const next = text === '' ? undefined : apply({ type: 'insert', text });
    if (submits) onSubmit((next ?? apply({ type: 'move', by: 0 })).value);
  });
  if (state.value === '') {
    return (
      <Text>
        <Text inverse>{placeholder[0] ?? ' '}</Text>
        <Text dimColor>{placeholder.slice(1)}</Text>
      </Text>
    );
  }
  const at = state.value[state.cursor] ?? ' ';
  return (
    <Text>
      {state.value.slice(0, state.cursor)}
      <Text inverse>{at}</Text>
      {state.value.slice(state.cursor + 1)}
    </Text>
  );
}
