// The top line: where we are in the diagnosis, and a SANDBOX marker when nothing real is touched.
import { Box, Text } from 'ink';
import type { SandboxInfo } from '../../../machines/wizard-types.js';
import { stepTitles } from '../wizard-screens.js';

export function Header({ step, sandbox }: { readonly step?: number; readonly sandbox?: SandboxInfo }) {
  const title = step !== undefined ? `step ${step}/${stepTitles.length} · ${stepTitles[step - 1]}` : 'diagnose a KMS AccessDeniedException';
  return (
    <Box marginBottom={1}>
      <Text bold>kms-doctor</Text>
      <Text dimColor> · {title}</Text>
      {sandbox ? (
        <>
          <Text> </Text>
          <Text inverse bold>
            {' SANDBOX '}
          </Text>
          <Text dimColor> {sandbox.scenario}</Text>
        </>
      ) : null}
    </Box>
  );
}
