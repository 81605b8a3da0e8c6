// The help overlay (?) and the quit question (q, once something was written).
import { Box, Text } from 'ink';
import { glossary } from '../glossary.js';
import { useTheme } from '../theme.js';
import { ScrollRegion } from './scroll-region.js';

const keys: [string, string][] = [
  ['Enter', 'continue to the next step (on a list: choose)'],
  ['Esc, ←', 'back one step'],
  ['↑ ↓', 'move in a list; elsewhere scroll a screen taller than the terminal'],
  ['1-9, a-z', 'on a list: choose the nth item shown; letters filter it (Esc clears)'],
  ['PgUp PgDn', 'scroll a page'],
  ['d', 'details: full ARNs and statements'],
  ['r', 'retry a failed read, or run the diagnosis again'],
  ['c', 'on a verdict reached straight from an unusable key: the other steps'],
  ['?', 'this help'],
  ['g', 'glossary: the terms and symbols the screens use'],
  ['q', 'quit (asks first once something was changed)'],
  ['Ctrl-C', 'quit, also while typing'],
];

export function HelpOverlay() {
  // Each key in a column of its own, its meaning wrapping beside it; the list scrolls (↑/↓) when the
  // terminal is too short (at 40x12 the rows were squeezed and drawn over each other).
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} flexShrink={1}>
      <Box flexShrink={0}>
        <Text bold>Keys</Text>
      </Box>
      <ScrollRegion>
        {keys.map(([key, what]) => (
          <Box key={key} flexShrink={0}>
            <Box width={10} flexShrink={0}>
              <Text>{key}</Text>
            </Box>
            <Text>{what}</Text>
          </Box>
        ))}
        <Text dimColor>In a text field, keys type text: Esc goes back, Enter submits.</Text>
      </ScrollRegion>
      <Box flexShrink={0}>
        <Text dimColor>↑↓ scroll · ? or Esc close</Text>
      </Box>
    </Box>
  );
}

/** The glossary (g): every term and symbol the screens use. */
export function GlossaryOverlay() {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} flexShrink={1}>
      <Box flexShrink={0}>
        <Text bold>Glossary</Text>
      </Box>
      <ScrollRegion>
        {glossary.map((entry) => (
          <Text key={entry.term}>
            <Text bold>{entry.term}</Text>: {entry.meaning}
          </Text>
        ))}
      </ScrollRegion>
      <Box flexShrink={0}>
        <Text dimColor>↑↓ scroll · g or Esc close</Text>
      </Box>
    </Box>
  );
}

export function QuitQuestion({ backupDir, sandbox }: { readonly backupDir?: string; readonly sandbox: boolean }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold color={theme.colourOf('warn')}>
        Changes were written {sandbox ? 'to the sandbox' : 'to AWS'} in this session.
      </Text>
      {backupDir && !sandbox ? <Text>Their backups are in {backupDir}.</Text> : null}
      {sandbox ? <Text>Quitting stops the sandbox and removes it with its changes.</Text> : null}
      <Text>Quit now? y quit · n stay</Text>
    </Box>
  );
}
