// A training scenario opens on its story: what the team was doing, the command that failed, and the
// error that command gets from the embedded sandbox right now (made live, shown verbatim), with the
// difficulty and the goal. The title never names the cause: finding it is the exercise.
import { Box, Text } from 'ink';
import { ScrollRegion } from '../components/scroll-region.js';
import { useTheme } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

export function ScenarioIntroScreen({ context }: ScreenProps) {
  const theme = useTheme();
  const sandbox = context.environment?.sandbox;
  if (!sandbox) return null;
  return (
    <Box flexDirection="column" flexShrink={1}>
      <Box flexShrink={0}>
        <Text bold color={theme.colourOf('accent')}>
          {sandbox.title}
          {sandbox.difficulty ? <Text dimColor>{`  (${sandbox.difficulty})`}</Text> : null}
        </Text>
      </Box>
      <ScrollRegion>
        <Text>{sandbox.story ?? sandbox.description}</Text>
        {sandbox.failingCommand ? (
          <Box flexDirection="column" marginTop={1}>
            <Text dimColor>{`The command that fails, run as ${sandbox.principalName}:`}</Text>
            <Box paddingLeft={2}>
              <Text color={theme.colourOf('muted')}>$ {sandbox.failingCommand}</Text>
            </Box>
          </Box>
        ) : null}
        {sandbox.liveError ? (
          <Box flexDirection="column" marginTop={1}>
            <Text dimColor>What AWS answers (run just now on the sandbox):</Text>
            <Box paddingLeft={2}>
              <Text color={theme.colourOf('bad')}>{sandbox.liveError}</Text>
            </Box>
          </Box>
        ) : null}
        <Box marginTop={1}>
          <Text>{`Your goal: find which layer says no, and fix it so that ${sandbox.principalName} can make this call, and nobody else gains access. It is checked live at the end.`}</Text>
        </Box>
      </ScrollRegion>
      <Box marginTop={1} flexShrink={0}>
        <Text dimColor>Enter start the diagnosis · Esc back to the scenarios · ? help · q quit</Text>
      </Box>
    </Box>
  );
}
