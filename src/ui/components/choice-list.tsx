// A list to choose from with ↑ ↓ (or k j) and Enter, or a number key 1-9 for the nth item shown, showing the
// focused item's description under it. Its focus is a reducer applied at once: "↓ ↓ Enter" arriving together chooses the third item, as typed.
import { Box, Text, useInput } from 'ink';
import { useTheme } from '../theme.js';
import { useImmediateReducer } from '../use-immediate-reducer.js';

export interface Choice<Value> {
  readonly value: Value;
  readonly label: string;
  /** One line about the item, shown while it has the focus. */
  readonly description?: string;
}

type ListAction = { type: 'move'; by: number; count: number };

export function focusReducer(focus: number, action: ListAction): number {
  return Math.min(action.count - 1, Math.max(0, focus + action.by));
}

/** The index of the first item shown: the list scrolls to keep the focus near the middle. */
const firstShown = (focus: number, limit: number, count: number): number => Math.min(Math.max(0, focus - Math.floor(limit / 2)), Math.max(0, count - limit));

export interface ChoiceListProps<Value> {
  readonly choices: readonly Choice<Value>[];
  readonly onChoose: (value: Value) => void;
  /** Items shown at once; the list scrolls around the focus. */
  readonly limit?: number;
}

export function ChoiceList<Value>({ choices, onChoose, limit = choices.length }: ChoiceListProps<Value>) {
  const theme = useTheme();
  const [focus, apply] = useImmediateReducer(focusReducer, 0);
  useInput((input, key) => {
    // j/k as in less and vim: a list has no text to type, so the letters are free.
    const up = key.upArrow || input === 'k';
    if (up || key.downArrow || input === 'j') apply({ type: 'move', by: up ? -1 : 1, count: choices.length });
    else if (/^[1-9]$/.test(input)) {
      // The nth row on screen, counted from the top of what is shown (the list may be scrolled).
      const focus = apply({ type: 'move', by: 0, count: choices.length });
      const chosen = choices[firstShown(focus, limit, choices.length) + Number(input) - 1];
      if (chosen && Number(input) <= limit) onChoose(chosen.value);
    }
    else if (key.return) {
      const chosen = choices[apply({ type: 'move', by: 0, count: choices.length })];
      if (chosen) onChoose(chosen.value);
    }
  });
  const start = firstShown(focus, limit, choices.length);
  const visible = choices.slice(start, start + limit);
  return (
    <Box flexDirection="column">
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
      {start + limit < choices.length ? <Text dimColor>  ↓ {choices.length - start - limit} more</Text> : null}
    </Box>
  );
}
