// Label/value rows that fit the terminal: long values are cut in the middle, and with details on (d)
// they are shown whole, on lines of their own.
import { Box, Text } from 'ink';
import { shortenMiddle } from '../text-layout.js';
import { useTheme, type Tone } from '../theme.js';
import { useTerminalWidth } from '../use-terminal-width.js';

export interface FactRow {
  readonly label: string;
  readonly value: string;
  readonly tone?: Tone;
}

export function FactsTable({ rows, details = false }: { readonly rows: readonly FactRow[]; readonly details?: boolean }) {
  const theme = useTheme();
  const width = useTerminalWidth();
  const labelWidth = Math.min(22, Math.max(...rows.map((row) => row.label.length)) + 2);
  const valueWidth = width - labelWidth - 2;
  const cut = rows.filter((row) => row.value.length > valueWidth);
  return (
    <Box flexDirection="column">
      {rows.map((row) => (
        <Box key={row.label}>
          <Box width={labelWidth} flexShrink={0}>
            <Text dimColor>{row.label}</Text>
          </Box>
          <Text color={row.tone ? theme.colourOf(row.tone) : undefined} wrap="truncate-end">
            {shortenMiddle(row.value, valueWidth)}
          </Text>
        </Box>
      ))}
      {details && cut.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          {cut.map((row) => (
            <Text key={row.label}>
              <Text dimColor>{row.label}: </Text>
              {row.value}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
