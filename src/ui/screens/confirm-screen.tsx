// The confirmation: the exact targets and accounts, what the change newly allows beyond the request (its
// blast radius, from the engine), and a typed `yes` — `accept` when that blast radius is not empty. A stray
// Enter or `y` changes nothing.
import { Box, Text } from 'ink';
import { planBlastRadius } from '../../../machines/diagnosis-context.js';
import { confirmationWord, newlyAllowedLines } from '../../engine/blast-radius.js';
import { ScrollRegion } from '../components/scroll-region.js';
import { TextField } from '../components/text-field.js';
import { useTheme } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

export function ConfirmScreen({ context, send }: ScreenProps) {
  const theme = useTheme();
  const steps = context.plan?.steps ?? [];
  const accounts = [...new Set(steps.map((s) => s.target.accountId))];
  const newlyAllows = planBlastRadius(context);
  const word = confirmationWord(newlyAllows);
  return (
    <Box flexDirection="column" flexShrink={1}>
      <Box flexShrink={0}>
        <Text bold color={theme.colourOf('warn')}>
          Apply {steps.length === 1 ? 'this change' : `these ${steps.length} changes`} to account{accounts.length === 1 ? '' : 's'} {accounts.join(', ')}?
        </Text>
      </Box>
      <ScrollRegion>
        {steps.map((step) => (
          <Box key={step.id} flexDirection="column" marginTop={1}>
            <Text>
              {step.id}. {step.kind} on
            </Text>
            <Text bold>{`   ${step.target.arn}`}</Text>
            <Text>
              {'   '}in account {step.target.accountId}
              {step.target.region ? ` (${step.target.region})` : ''}
              {step.target.policyName ? `, policy ${step.target.policyName}` : ''}
            </Text>
          </Box>
        ))}
        {newlyAllows.length > 0 ? (
          <Box flexDirection="column" marginTop={1}>
            <Text bold color={theme.colourOf('warn')}>
              It also newly allows:
            </Text>
            {newlyAllowedLines(newlyAllows).map((line) => (
              <Text key={line} color={theme.colourOf('warn')}>
                {'  - '}
                {line}
              </Text>
            ))}
          </Box>
        ) : null}
        {context.environment?.sandbox ? <Text dimColor>(These accounts live in the embedded sandbox: nothing real is changed.)</Text> : null}
      </ScrollRegion>
      <Box marginTop={1} flexShrink={0}>
        <Text>{word === 'accept' ? 'Type accept to acknowledge that and apply › ' : 'Type yes to apply › '}</Text>
        <TextField key={context.confirmError ?? 'first'} onSubmit={(text) => send({ type: 'CONFIRM_TEXT', text })} />
      </Box>
      <Box flexDirection="column" flexShrink={0}>
        {context.confirmError ? <Text color={theme.colourOf('bad')}>{context.confirmError}</Text> : null}
        <Text dimColor>Only {word} applies · Esc back to the plan · Ctrl-C quit</Text>
      </Box>
    </Box>
  );
}
