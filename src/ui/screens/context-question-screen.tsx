// Step 7, before the verdict: the verdict hangs on a condition key kms-doctor cannot read from here
// (the caller's source IP, VPC endpoint, MFA…). The screen names the key, the statement that tests it
// and the values that pass and fail; the answer goes to the machine, which evaluates again with it.
import { Box, Text } from 'ink';
import { pendingContextQuestion } from '../../../machines/diagnosis-context.js';
import { TextField } from '../components/text-field.js';
import { useTheme } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

const values = (list: readonly string[]) => (list.length > 0 ? list.join(', ') : '(none found)');

export function ContextQuestionScreen({ context, send }: ScreenProps) {
  const theme = useTheme();
  const question = pendingContextQuestion(context);
  if (!question) return null;
  return (
    <Box flexDirection="column">
      <Text bold color={theme.colourOf('accent')}>
        {`What is ${question.key} in the failing call?`}
      </Text>
      <Text>{`The verdict depends on it: ${question.statement} tests ${question.key}, which kms-doctor cannot read from here (AWS fills it in from the real request).`}</Text>
      <Text>{`Passes: ${values(question.passing)}`}</Text>
      <Text>{`Refused: ${values(question.failing)}`}</Text>
      <Box marginTop={1}>
        <Text>› </Text>
        <TextField key={question.key} placeholder="the value the real call carries" onSubmit={(value) => send({ type: 'CONTEXT_ANSWERED', value })} />
      </Box>
      <Box marginTop={1}>
        <Text dimColor>Enter evaluate again with this value · empty or Esc: not known, show the verdict · Ctrl-C quit</Text>
      </Box>
    </Box>
  );
}
