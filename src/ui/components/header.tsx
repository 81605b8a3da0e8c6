// The top line: where we are in the diagnosis, and a SANDBOX marker when nothing real is touched. It
// always fits one line: on a narrow terminal the step's title, then the scenario's name, give way
// (never the program's name, the step number or the SANDBOX marker).
import { Box, Text } from 'ink';
import type { SandboxInfo } from '../../../machines/wizard-types.js';
import { useTerminalWidth } from '../use-terminal-width.js';
import { stepTitles } from '../wizard-screens.js';

/** The header's parts for a terminal `width` columns wide, longest first that fits. */
export function headerParts(width: number, step: number | undefined, scenario: string | undefined): { title: string; scenario?: string } {
  const long = step !== undefined ? `step ${step}/${stepTitles.length} · ${stepTitles[step - 1]}` : 'diagnose a KMS AccessDeniedException';
  const short = step !== undefined ? `step ${step}/${stepTitles.length}` : 'diagnose';
  // "kms-doctor · " + title + "  SANDBOX " + " " + scenario
  const length = (title: string, name?: string) => 'kms-doctor · '.length + title.length + (scenario !== undefined ? ' SANDBOX '.length + 1 + (name !== undefined ? name.length + 1 : 0) : 0);
  const candidates = [
    { title: long, scenario },
    { title: short, scenario },
    { title: short, scenario: undefined },
  ];
  return candidates.find((c) => length(c.title, c.scenario) <= width) ?? candidates.at(-1)!;
}

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
