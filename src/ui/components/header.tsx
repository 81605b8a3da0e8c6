// The top line: where we are in the diagnosis, and a SANDBOX marker when nothing real is touched. It
// always fits one line: on a narrow terminal the step's title, then the scenario's name, give way
// (never the program's name, the step number or the SANDBOX marker).
import { Box, Text } from 'ink';
import type { SandboxInfo } from '../../../machines/wizard-types.js';
import { useTerminalWidth } from '../use-terminal-width.js';
import { headerParts } from '../header-parts.js';

export { headerParts };

export function Header({ step, sandbox }: { readonly step?: number; readonly sandbox?: SandboxInfo }) {
  const width = useTerminalWidth();
  const parts = headerParts(width, step, sandbox?.scenario);
  return (
    <Box marginBottom={1}>
      <Text bold>kms-doctor</Text>
      <Text dimColor> · {parts.title}</Text>
      {sandbox ? (
        <>
          <Text> </Text>
          <Text inverse bold>
            {' SANDBOX '}
          </Text>
          {parts.scenario !== undefined ? <Text dimColor> {parts.scenario}</Text> : null}
        </>
      ) : null}
    </Box>
  );
}
