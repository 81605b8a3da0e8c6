// aws CLI commands, one per paragraph, so a long one wraps on its own lines and can be copied whole.
import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';

export function CommandList({ title, commands }: { readonly title: string; readonly commands: readonly string[] }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text dimColor>{title}</Text>
      {commands.map((command) => (
        // Indented as a block, so a command that wraps stays visibly one command.
        <Box key={command} paddingLeft={2}>
          <Text color={theme.colourOf('muted')}>$ {command}</Text>
        </Box>
      ))}
    </Box>
  );
}
