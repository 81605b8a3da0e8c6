// The frame every step screen shares: a title, what is checked and why (for someone new to KMS), a
// spinner while the data is read, the data and the aws CLI commands that show the same data (these
// scroll when the terminal is too short), the conclusion in plain words, and the keys.
import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useTheme, type Tone } from '../theme.js';
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

export function StepFrame({ title, intro, loading, conclusion, commands, keys, children }: StepFrameProps) {
  const theme = useTheme();
  // Title, intro, conclusion and keys keep their lines; the data in the middle (and the commands
  // after it) get the rows left, and scroll (ScrollRegion) when they do not fit.
  return (
    <Box flexDirection="column" flexShrink={1}>
      <Box flexDirection="column" flexShrink={0}>
        <Text bold color={theme.colourOf('accent')}>
          {title}
        </Text>
        <Text>{intro}</Text>
      </Box>
      <Box flexDirection="column" marginTop={1} flexShrink={1}>
        <ScrollRegion>
          {loading !== undefined ? <Spinner label={loading} /> : children}
          {loading === undefined && commands && commands.length > 0 ? <CommandList title="See it yourself:" commands={commands} /> : null}
        </ScrollRegion>
      </Box>
      {loading === undefined && conclusion ? (
        <Box marginTop={1} flexShrink={0}>
          <Box width={2} flexShrink={0}>
            <Text bold color={theme.colourOf(conclusion.tone)}>
              {conclusion.tone === 'ok' ? '✔' : conclusion.tone === 'bad' ? '✘' : '•'}
            </Text>
          </Box>
          <Text bold color={theme.colourOf(conclusion.tone)}>
            {conclusion.text}
          </Text>
        </Box>
      ) : null}
      {keys !== undefined ? (
        <Box marginTop={1} flexShrink={0}>
          <Text dimColor>{keys}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

/** The usual footer of a step screen. */
export const stepKeys = 'Enter continue · Esc/← back · d details · ? help · q quit';
