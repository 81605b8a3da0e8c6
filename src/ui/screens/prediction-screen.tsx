// The training course (`kms-doctor train`): before a step's data, the trainee predicts what it will
// show; h shows a hint (where to look, never the answer). The question and its choices are the
// engine's (training-predictions.ts), read from the machine's context; the judging is the machine's.
import { Box, Text } from 'ink';
import { questionFor, type PredictionRecord } from '../../../machines/diagnosis-context.js';
import type { PredictionStep } from '../../engine/training-predictions.js';
import { ChoiceList } from '../components/choice-list.js';
import { useTheme } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

const before: Record<PredictionStep, string> = {
  keyState: "Before you see the key's state:",
  keyPolicy: 'Before you see the key policy:',
  identityPolicies: "Before you see the principal's IAM policies and IAM's simulator:",
  verdict: 'Before you see the verdict:',
};

export function PredictionScreen({ context, screen, send, hintShown }: ScreenProps & { readonly hintShown: boolean }) {
  const theme = useTheme();
  const step = screen.part as PredictionStep;
  const question = questionFor(context, step);
  if (!question) return null;
  return (
    <Box flexDirection="column" flexShrink={1}>
      <Text dimColor>{before[step]}</Text>
      <Text bold color={theme.colourOf('accent')}>
        {question.question}
      </Text>
      <ChoiceList key={step} choices={question.choices} onChoose={(answer) => send({ type: 'PREDICTED', answer })} />
      {hintShown ? <Text color={theme.colourOf('warn')}>Hint: {question.hint}</Text> : null}
      <Text dimColor>↑↓ choose · Enter predict · h {hintShown ? 'hide the hint' : 'hint'} · Esc back · q quit</Text>
    </Box>
  );
}

/** After the prediction, over the step's data: whether it was right, and the finding that says why. */
export function PredictionResult({ record }: { readonly record: PredictionRecord }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text color={theme.colourOf(record.right ? 'ok' : 'bad')}>
        {record.right ? `✔ You predicted "${record.answerLabel}": right.` : `✘ You predicted "${record.answerLabel}"; the data says "${record.expectedLabel}".`}
      </Text>
      {record.why ? <Text dimColor>Why: {record.why}</Text> : null}
    </Box>
  );
}
