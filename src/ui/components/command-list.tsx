// aws CLI commands, one per paragraph. A long one is broken between arguments with ` \` line
// continuations, never inside an ARN or a path, so it can be copied from the terminal and run.
import { Box, Text } from 'ink';
import { wrapCommand } from '../text-layout.js';
import { useTerminalWidth } from '../use-terminal-width.js';
import { useTheme } from '../theme.js';

export function CommandList({ title, commands }: { readonly title: string; readonly commands: readonly string[] }) {
  const theme = useTheme();
  // Two columns of indent and "$ " in front of the first line.
  const width = useTerminalWidth() - 4;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text dimColor>{title}</Text>
      {commands.map((command) => (
        // Indented as a block, so a command that wraps stays visibly one command.
        <Box key={command} paddingLeft={2}>
          <Text color={theme.colourOf('muted')}>
            $ {wrapCommand(command, width).join('\n')}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
