// A list to choose from with ↑ ↓ (or k j) and Enter, or a number key 1-9 for the nth item shown, showing the
// focused item's description under it; typing filters it (the operation list has 38 entries). It stands in
// for ink-select-input (and @inkjs/ui's Select), which keep the focus in React state read at the last
// render, so "↓ ↓ Enter" arriving in one read chooses the wrong item, and which have no filter. Its state
// is a reducer applied at once: "↓ ↓ Enter" arriving together chooses the third item, as typed.
import { Box, Text, useInput, type Key } from 'ink';
import { createContext, useContext, useEffect, useLayoutEffect, useRef } from 'react';
import { PasteContext } from '../bracketed-paste.js';
import { useTheme } from '../theme.js';
import { useImmediateReducer } from '../use-immediate-reducer.js';

export interface Choice<Value> {
  readonly value: Value;
  readonly label: string;
  /** One line about the item, shown while it has the focus. */
  readonly description?: string;
}

export interface ListState {
  /** Index among the items shown (those matching the filter). */
  readonly focus: number;
  readonly filter: string;
  /** A filter is being typed: letters (j, k, q, g too) and digits are its text, Esc clears it. */
  readonly filtering: boolean;
}

type ListAction = { type: 'move'; by: number; count: number } | { type: 'type'; text: string } | { type: 'erase' } | { type: 'clear' };

export const initialListState: ListState = { focus: 0, filter: '', filtering: false };

export function listReducer(state: ListState, action: ListAction): ListState {
  switch (action.type) {
    case 'move':
      return { ...state, focus: Math.max(0, Math.min(action.count - 1, state.focus + action.by)) };
    case 'type':
      return { focus: 0, filter: state.filter + action.text, filtering: true };
    case 'erase':
      // Backspace on an empty filter stops filtering: the letters are keys again.
      return state.filter === '' ? initialListState : { focus: 0, filter: state.filter.slice(0, -1), filtering: true };
    case 'clear':
      return initialListState;
  }
}

/** The items a filter leaves: those whose label holds it, any case. */
export const matching = <Value,>(choices: readonly Choice<Value>[], filter: string): readonly Choice<Value>[] =>
  filter === '' ? choices : choices.filter((choice) => choice.label.toLowerCase().includes(filter.toLowerCase()));

/** The index of the first item shown: the list scrolls to keep the focus near the middle. */
const firstShown = (focus: number, limit: number, count: number): number => Math.min(Math.max(0, focus - Math.floor(limit / 2)), Math.max(0, count - limit));

/**
 * How the wizard's key handler and the list on screen share keys: while a filter is typed the list has
 * every key first (q, g, ? and Esc are the filter's); otherwise the wizard's keys go first and the list
 * gets what they leave. Without it (a list rendered on its own) the list reads keys itself.
 */
export interface ListKeys {
  current?: { readonly filtering: () => boolean; readonly handle: (input: string, key: Key) => boolean };
}

export const ListKeysContext = createContext<ListKeys | undefined>(undefined);

export interface ChoiceListProps<Value> {
  readonly choices: readonly Choice<Value>[];
  readonly onChoose: (value: Value) => void;
  /** Items shown at once; the list scrolls around the focus. */
  readonly limit?: number;
}

// eslint-disable-next-line no-control-regex
const printable = (input: string): boolean => input !== '' && !/[\u0000-\u001f\u007f]/.test(input);

export function ChoiceList<Value>({ choices, onChoose, limit = choices.length }: ChoiceListProps<Value>) {
  const theme = useTheme();
  const [state, apply, now] = useImmediateReducer(listReducer, initialListState);
  /** Handles a key; false when it is not the list's (the wizard's then). */
  const handle = (input: string, key: Key): boolean => {
    const shown = () => matching(choices, now().filter);
    if (key.upArrow || key.downArrow) return void apply({ type: 'move', by: key.upArrow ? -1 : 1, count: shown().length }), true;
    if (key.return) {
      const chosen = shown()[now().focus];
      if (chosen) onChoose(chosen.value);
      return true;
    }
    if (now().filtering) {
      if (key.escape) return void apply({ type: 'clear' }), true;
      if (key.backspace || key.delete) return void apply({ type: 'erase' }), true;
      if (key.ctrl || key.meta || !printable(input)) return false;
      apply({ type: 'type', text: input });
      return true;
    }
    if (key.ctrl || key.meta || !printable(input)) return false;
    // Keys read one by one: "jj" or "dec" may arrive in one read.
    const chars = [...input];
    for (const [index, char] of chars.entries()) {
      // j/k as in less and vim; a number key chooses the nth row on screen (the list may be scrolled).
      if (char === 'j' || char === 'k') apply({ type: 'move', by: char === 'k' ? -1 : 1, count: shown().length });
      else if (/^[1-9]$/.test(char)) {
        const chosen = Number(char) <= limit ? shown()[firstShown(now().focus, limit, shown().length) + Number(char) - 1] : undefined;
        if (chosen) onChoose(chosen.value);
        return true;
      } else if (char === '/' || /\p{L}/u.test(char)) {
        // Typing starts a filter ('/' as in less, for one that starts with j or k); the rest of the read is its text.
        const rest = chars.slice(index).join('');
        apply({ type: 'type', text: char === '/' ? rest.slice(1) : rest });
        return true;
      }
    }
    return true;
  };
  const latest = useRef(handle);
  latest.current = handle;
  const router = useContext(ListKeysContext);
  useEffect(() => {
    if (!router) return undefined;
    const mine = { filtering: () => now().filtering, handle: (input: string, key: Key) => latest.current(input, key) };
    router.current = mine;
    return () => {
      if (router.current === mine) delete router.current;
    };
  }, [router, now]);
  useInput((input, key) => void handle(input, key), { isActive: router === undefined });
  // A name pasted into a list (bracketed, so not keys) is a filter: "Decrypt" copied from an error finds it.
  const pastes = useContext(PasteContext);
  useLayoutEffect(
    () =>
      pastes?.onPaste((text) => {
        // eslint-disable-next-line no-control-regex
        const filter = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
        if (filter !== '') apply({ type: 'type', text: filter });
      }),
    [pastes, apply, now],
  );

  const shown = matching(choices, state.filter);
  const focus = Math.min(state.focus, Math.max(0, shown.length - 1));
  const start = firstShown(focus, limit, shown.length);
  const visible = shown.slice(start, start + limit);
  return (
    <Box flexDirection="column">
      {state.filtering ? (
        <Text>
          <Text dimColor>Filter: </Text>
          {state.filter}
          <Text inverse> </Text>
          <Text dimColor>
            {'  '}
            {shown.length} of {choices.length} · Esc clears
          </Text>
        </Text>
      ) : null}
      {state.filtering && shown.length === 0 ? <Text dimColor>  nothing matches; Backspace or Esc</Text> : null}
      {start > 0 ? <Text dimColor>  ↑ {start} more</Text> : null}
      {visible.map((choice, offset) => {
        const focused = start + offset === focus;
        return (
          <Box key={String(choice.value)} flexDirection="column">
            <Text bold={focused} color={focused ? theme.colourOf('accent') : undefined}>
              {focused ? '❯ ' : '  '}
              {choice.label}
            </Text>
            {focused && choice.description ? (
              <Box paddingLeft={4}>
                <Text dimColor>{choice.description}</Text>
              </Box>
            ) : null}
          </Box>
        );
      })}
      {start + limit < shown.length ? <Text dimColor>  ↓ {shown.length - start - limit} more</Text> : null}
    </Box>
  );
}
