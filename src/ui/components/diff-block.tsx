// A unified diff coloured line by line: additions green, removals red, hunk headers cyan. A line
// wider than the terminal continues on the next line behind its own marker (+, -), so the colour and
// the meaning of every printed line stay visible at 80 columns.
import { Box, Text } from 'ink';
import { diffLines, type DiffLineKind } from '../../engine/diff-view.js';
import { useTheme, type Tone } from '../theme.js';
import { useTerminalWidth } from '../use-terminal-width.js';

const toneOf: Partial<Record<DiffLineKind, Tone>> = { added: 'ok', removed: 'bad', 'hunk-header': 'accent' };

/** `text` cut into pieces of at most `width` characters; continuations start with the line's marker and ↳. */
export function wrapDiffLine(text: string, kind: DiffLineKind, width: number): string[] {
  if (text.length <= width || width < 12) return [text];
  const marker = kind === 'added' || kind === 'removed' || kind === 'context' ? text[0] : '';
  const prefix = `${marker} ↳ `;
  const pieces = [text.slice(0, width)];
  for (let rest = text.slice(width); rest.length > 0; rest = rest.slice(width - prefix.length)) pieces.push(prefix + rest.slice(0, width - prefix.length));
  return pieces;
}

export function DiffBlock({ diff }: { readonly diff: string }) {
  const theme = useTheme();
  const width = useTerminalWidth();
  return (
    <Box flexDirection="column">
      {diffLines(diff).flatMap((line, index) => {
        const tone = toneOf[line.kind];
        return wrapDiffLine(line.text === '' ? ' ' : line.text, line.kind, width - 1).map((piece, part) => (
          <Text key={`${index}.${part}`} bold={line.kind === 'file-header'} color={tone ? theme.colourOf(tone) : undefined} wrap="truncate-end">
            {piece}
          </Text>
        ));
      })}
    </Box>
  );
}
