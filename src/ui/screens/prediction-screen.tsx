// The training course (`kms-doctor train`): before a step's data, the trainee predicts what it will
// show; h shows a hint (where to look, never the answer). The question and its choices are the
// engine's (training-predictions.ts), read from the machine's context; the judging is the machine's.
import { Box, Text } from 'ink';
import { questionFor, type PredictionRecord } from '../../../machines/diagnosis-context.js';
import type { PredictionStep } from '../../engine/training-predictions.js';
import { ChoiceList } from '../components/choice-list.js';
import { compactRows } from '../components/step-frame.js';
import { useTheme } from '../theme.js';
import { useTerminalRows, useTerminalWidth } from '../use-terminal-width.js';
import type { ScreenProps } from './screen-props.js';

const before: Record<PredictionStep, string> = {
  keyState: "Before you see the key's state:",
  keyPolicy: 'Before you see the key policy:',
  identityPolicies: "Before you see the principal's IAM policies and IAM's simulator:",
  verdict: 'Before you see the verdict:',
};

/** Lines `text` takes wrapped at `width`, with a spare line for word wrapping. */
const linesOf = (text: string, width: number) => (text.length <= width ? 1 : Math.ceil(text.length / width) + 1);

export function PredictionScreen({ context, screen, send, hintShown }: ScreenProps & { readonly hintShown: boolean }) {
  const theme = useTheme();
  const width = useTerminalWidth();
  const rows = useTerminalRows();
  const step = screen.part as PredictionStep;
  const question = questionFor(context, step);
  if (!question) return null;
  // On a short terminal the choices get one line each (cut with …) and scroll, so the question and
  // the keys keep their lines.
  const compact = rows !== undefined && rows < compactRows;
  const keysLine = `↑↓ choose · Enter predict · h ${hintShown ? 'hide the hint' : 'hint'} · Esc back · q quit`;
  const room = rows === undefined ? undefined : rows - 3 - linesOf(question.question, width) - linesOf(keysLine, width) - (hintShown ? linesOf(`Hint: ${question.hint}`, width) : 0) - 2;
  const choices = compact ? question.choices.map((choice) => ({ ...choice, label: choice.label.length <= width - 2 ? choice.label : `${choice.label.slice(0, width - 3)}…` })) : question.choices;
  // The 2 lines counted for "↑/↓ N more" are free when every choice fits.
  const limit = compact && room !== undefined && choices.length > room + 2 ? Math.max(1, room) : choices.length;
  return (
    <Box flexDirection="column" flexShrink={1}>
      {compact ? null : <Text dimColor>{before[step]}</Text>}
      <Text bold color={theme.colourOf('accent')}>
        {question.question}
      </Text>
      <Box flexShrink={0}>
        <ChoiceList key={step} choices={choices} limit={limit} onChoose={(answer) => send({ type: 'PREDICTED', answer })} />
      </Box>
      {hintShown ? <Text color={theme.colourOf('warn')}>Hint: {question.hint}</Text> : null}
      <Text dimColor>{keysLine}</Text>
    </Box>
  );
}

/** After the prediction, over the step's data: whether it was right, and the finding that says why. */
export function PredictionResult({ record }: { readonly record: PredictionRecord }) {
  const theme = useTheme();
  const rows = useTerminalRows();
  // On a short terminal only the verdict on the prediction: the step's own conclusion says why.
  const compact = rows !== undefined && rows < compactRows;
  return (
    <Box flexDirection="column">
      <Text color={theme.colourOf(record.right ? 'ok' : 'bad')}>
        {record.right ? `✔ You predicted "${record.answerLabel}": right.` : `✘ You predicted "${record.answerLabel}"; the data says "${record.expectedLabel}".`}
      </Text>
      {record.why && !compact ? <Text dimColor>Why: {record.why}</Text> : null}
    </Box>
  );
}
