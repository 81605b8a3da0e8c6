// The frame every step screen shares: a title, what is checked and why (for someone new to KMS), a
// spinner while the data is read, the data and the aws CLI commands that show the same data (these
// scroll when the terminal is too short), the conclusion in plain words, and the keys.
import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useTheme, type Tone } from '../theme.js';
import { useTerminalRows } from '../use-terminal-width.js';
import { CommandList } from './command-list.js';
import { ScrollRegion } from './scroll-region.js';

export interface Conclusion {
  readonly tone: Tone;
  readonly text: string;
}

export interface StepFrameProps {
  /** The screen's title. */
  readonly title: string;
  /** One or two sentences: what this step checks, and why it matters. */
  readonly intro: string;
  /** Set while the step's data is being read: the spinner's label. */
  readonly loading?: string;
  readonly conclusion?: Conclusion;
  /** `aws` commands that show the same data. */
  readonly commands?: readonly string[];
  /** The keys that work here, for the footer. */
  readonly keys?: string;
  readonly children?: ReactNode;
}

/** Below this many rows, the intro scrolls with the data and the sections lose their blank lines. */
export const compactRows = 16;

export function StepFrame({ title, intro, loading, conclusion, commands, keys, children }: StepFrameProps) {
  const theme = useTheme();
  const rows = useTerminalRows();
  // On a short terminal (40x12) the title, the intro, the conclusion and the keys alone overfill it:
  // the conclusion (first) and the intro then scroll with the data, and no blank line separates the
  // sections, so the keys line is never pushed off the screen.
  const compact = rows !== undefined && rows < compactRows;
  const gap = compact ? 0 : 1;
  // Title, intro, conclusion and keys keep their lines; the data in the middle (and the commands
  // after it) get the rows left, and scroll (ScrollRegion) when they do not fit.
  return (
    <Box flexDirection="column" flexShrink={1}>
      <Box flexDirection="column" flexShrink={0}>
        <Text bold color={theme.colourOf('accent')}>
          {title}
        </Text>
        {compact ? null : <Text>{intro}</Text>}
      </Box>
      <Box flexDirection="column" marginTop={gap} flexShrink={1}>
        <ScrollRegion>
          {compact && loading === undefined && conclusion ? <ConclusionLine conclusion={conclusion} compact /> : null}
          {compact ? <Text dimColor>{intro}</Text> : null}
          {loading !== undefined ? <Spinner label={loading} /> : children}
          {loading === undefined && commands && commands.length > 0 ? <CommandList title="See it yourself:" commands={commands} /> : null}
        </ScrollRegion>
      </Box>
      {loading === undefined && conclusion && !compact ? <ConclusionLine conclusion={conclusion} /> : null}
      {keys !== undefined ? (
        <Box marginTop={gap} flexShrink={0}>
          <Text dimColor>{keys}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

function ConclusionLine({ conclusion, compact = false }: { readonly conclusion: Conclusion; readonly compact?: boolean }) {
  const theme = useTheme();
  return (
    <Box marginTop={compact ? 0 : 1} flexShrink={0}>
      <Box width={2} flexShrink={0}>
        <Text bold color={theme.colourOf(conclusion.tone)}>
          {conclusion.tone === 'ok' ? '✔' : conclusion.tone === 'bad' ? '✘' : '•'}
        </Text>
      </Box>
      <Text bold color={theme.colourOf(conclusion.tone)}>
        {conclusion.text}
      </Text>
    </Box>
  );
}

/** The usual footer of a step screen. */
export const stepKeys = 'Enter continue · Esc/← back · d details · ? help · q quit';
