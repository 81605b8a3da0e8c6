// The confirmation: the exact targets and accounts, and a typed `yes`. A stray Enter or `y` changes nothing.
import { Box, Text } from 'ink';
import { ScrollRegion } from '../components/scroll-region.js';
import { TextField } from '../components/text-field.js';
import { useTheme } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

export function ConfirmScreen({ context, send }: ScreenProps) {
  const theme = useTheme();
  const steps = context.plan?.steps ?? [];
  const accounts = [...new Set(steps.map((s) => s.target.accountId))];
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
        {context.environment?.sandbox ? <Text dimColor>(These accounts live in the embedded sandbox: nothing real is changed.)</Text> : null}
      </ScrollRegion>
      <Box marginTop={1} flexShrink={0}>
        <Text>Type yes to apply › </Text>
        <TextField key={context.confirmError ?? 'first'} onSubmit={(text) => send({ type: 'CONFIRM_TEXT', text })} />
      </Box>
      <Box flexDirection="column" flexShrink={0}>
        {context.confirmError ? <Text color={theme.colourOf('bad')}>{context.confirmError}</Text> : null}
        <Text dimColor>Only yes applies · Esc back to the plan · Ctrl-C quit</Text>
      </Box>
    </Box>
  );
}
