// The start: how to begin (paste the error, choose the operation, open a training scenario), the
// training scenarios, and the answers before anything is read.
import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import type { StartMode } from '../../../machines/wizard-types.js';
import { explainPastedError } from '../../engine/error-explanation.js';
import { ChoiceList, type Choice } from '../components/choice-list.js';
import { useTheme } from '../theme.js';
import { useTerminalRows, useTerminalWidth } from '../use-terminal-width.js';
import { CloudTrailPicker } from './cloudtrail-picker.js';
import { QuestionScreen } from './question-screen.js';
import { ScenarioIntroScreen } from './scenario-intro-screen.js';
import type { ScreenProps } from './screen-props.js';

/** A built-in scenario as the menu lists it. */
export interface ScenarioChoice {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly difficulty?: string;
}

const starts: Choice<StartMode>[] = [
  { label: 'Paste the error message AWS gave you', value: 'error' },
  { label: 'Choose the operation that failed (S3 upload, EBS, Lambda, a KMS call…)', value: 'operation' },
  { label: 'Open a training scenario on the embedded sandbox (changes nothing real)', value: 'training' },
  { label: 'Pick the failure from CloudTrail (refused KMS calls of the last 24 hours)', value: 'cloudtrail' },
];

export function StartScreen(props: ScreenProps & { readonly scenarios: readonly ScenarioChoice[] }) {
  const { context, screen, send, scenarios } = props;
  const theme = useTheme();
  const error = context.startError ? <Text color={theme.colourOf('bad')}>{context.startError}</Text> : null;
  switch (screen.part) {
    case 'choose':
      return (
        <Box flexDirection="column">
          <Text bold color={theme.colourOf('accent')}>
            How do you want to start?
          </Text>
          <Text>kms-doctor finds out which layer refused the call (key state, key policy, IAM, grants) and fixes it.</Text>
          {!context.credentialsFound ? <Text color={theme.colourOf('warn')}>No AWS credentials were found: the first two need them.</Text> : null}
          <Box marginTop={1}>
            <ChoiceList choices={starts} onChoose={(mode) => send({ type: 'CHOOSE_START', mode })} />
          </Box>
          {error}
          <Text dimColor>↑↓ choose · Enter select · ? help · q quit</Text>
        </Box>
      );
    case 'scenario':
      return <ScenarioMenu {...props} scenarios={scenarios} />;
    case 'preparing':
      return <Spinner label={context.answers.mode === 'training' ? `Starting the ${context.answers.scenario ?? ''} sandbox…` : 'Opening the AWS session…'} />;
    case 'review':
      return <StartReview {...props} />;
    case 'cloudTrail.loading':
    case 'cloudTrail.list':
      return <CloudTrailPicker {...props} />;
    case 'intro':
      return <ScenarioIntroScreen {...props} />;
    case 'explained':
      return <ExplainedError {...props} scenarios={scenarios} />;
    default:
      return <QuestionScreen {...props} />;
  }
}

/** Lines `text` takes when wrapped at `width` (words may push a line further: one spare line each wrap). */
const linesOf = (text: string, width: number) => (text.length <= width ? 1 : Math.ceil(text.length / width) + 1);

/** A label on one line: cut with … when the terminal is narrower (the focused item's description says the rest). */
const oneLine = (label: string, width: number) => (label.length <= width ? label : `${label.slice(0, Math.max(1, width - 1))}…`);

function ScenarioMenu({ context, send, scenarios }: ScreenProps & { readonly scenarios: readonly ScenarioChoice[] }) {
  const theme = useTheme();
  const width = useTerminalWidth();
  const rows = useTerminalRows();
  const done = new Set(context.doneScenarios ?? []);
  // The training course shows each finished scenario's best score next to its done mark.
  const score = (name: string) => {
    const kept = context.trainingScores?.[name];
    return kept && kept.asked > 0 ? ` · ${kept.right}/${kept.asked} right` : '';
  };
  const listed = scenarios.filter((s) => s.name !== 'blank');
  const intro = context.trainingCourse
    ? `The training course: before each step's data you predict what it will show, then see whether you were right. ${listed.filter((s) => done.has(s.name)).length} of ${listed.length} done.`
    : context.credentialsFound
      ? 'Each scenario runs on an embedded sandbox: a local KMS, IAM and STS, started on a free port of this machine.'
      : 'No AWS credentials were found on this machine, so try a training scenario: it runs on an embedded sandbox, a local KMS, IAM and STS.';
  const keysLine = `↑↓ choose · Enter open · ${context.trainingCourse ? '' : 'Esc other ways to start · '}? help · q quit`;
  const descriptionLines = Math.max(0, ...listed.map((s) => linesOf(`${s.summary} (${s.difficulty ?? ""})`, width - 4)));
  // The screen's rows: the terminal's less Ink's spare row and the header's two. A list taller than
  // what is left scrolls around the focus (one line per item: labels are cut to the width), so the
  // title, the intro and the keys are never squeezed or drawn over.
  const room = rows === undefined ? undefined : rows - 3;
  const fixed = (withIntro: boolean) =>
    1 + (withIntro ? linesOf(intro, width) + 1 : 0) + linesOf(keysLine, width) + descriptionLines + 2 + (context.startError ? linesOf(context.startError, width) : 0);
  const showIntro = room === undefined || room - fixed(true) >= 3;
  const limit = room === undefined ? listed.length : Math.max(1, Math.min(listed.length, room - fixed(showIntro)));
  const cut = room !== undefined && limit < listed.length;
  const choices = listed.map((s) => {
    const label = `${done.has(s.name) ? '✔ ' : ''}${s.name} — ${s.title}${s.difficulty ? ` (${s.difficulty})` : ''}${done.has(s.name) ? score(s.name) : ''}`;
    const shown = cut ? oneLine(label, width - 2) : label;
    // A label cut short may have lost the difficulty: the description carries it.
    return { value: s.name, label: shown, description: shown !== label && s.difficulty ? `${s.summary} (${s.difficulty})` : s.summary };
  });
  return (
    <Box flexDirection="column">
      <Text bold color={theme.colourOf('accent')}>
        Training scenarios
      </Text>
      {showIntro ? <Text color={!context.trainingCourse && !context.credentialsFound ? theme.colourOf('warn') : undefined}>{intro}</Text> : null}
      <Box marginTop={showIntro ? 1 : 0} flexShrink={0}>
        <ChoiceList choices={choices} limit={limit} onChoose={(scenario) => send({ type: 'SCENARIO_CHOSEN', scenario })} />
      </Box>
      {context.startError ? <Text color={theme.colourOf('bad')}>{context.startError}</Text> : null}
      <Text dimColor>{keysLine}</Text>
    </Box>
  );
}

/** No credentials: the pasted error explained from its text alone, and the training scenario like it. */
function ExplainedError({ context, scenarios }: ScreenProps & { readonly scenarios: readonly ScenarioChoice[] }) {
  const theme = useTheme();
  const explanation = explainPastedError(context.answers.parsedError);
  const scenario = scenarios.find((s) => s.name === explanation?.scenario);
  return (
    <Box flexDirection="column">
      <Text bold color={theme.colourOf('accent')}>
        What the error says on its own
      </Text>
      <Text color={theme.colourOf('warn')}>No AWS credentials were found, so nothing can be read from AWS: this is what the text alone tells.</Text>
      {context.answers.principal ? <Text>Caller:    {context.answers.principal}</Text> : null}
      {context.answers.operation ? <Text>Operation: {context.answers.operation}</Text> : null}
      {context.answers.key ? <Text>Key:       {context.answers.key}</Text> : null}
      <Box marginTop={1} flexDirection="column">
        <Text>
          The layer that said no: <Text bold>{explanation?.layer ?? 'not named'}</Text>
        </Text>
        <Text>{explanation?.meaning ?? 'AWS did not say which layer refused.'}</Text>
      </Box>
      {scenario ? (
        <Box marginTop={1} flexDirection="column">
          <Text>Practise the same refusal on the embedded sandbox: the training scenario "{scenario.title}".</Text>
        </Box>
      ) : null}
      {context.startError ? <Text color={theme.colourOf('bad')}>{context.startError}</Text> : null}
      <Box marginTop={1}>
        <Text dimColor>{scenario ? 'Enter open that scenario · ' : ''}Esc back to the paste · ? help · q quit</Text>
      </Box>
    </Box>
  );
}

function StartReview({ context }: ScreenProps) {
  const theme = useTheme();
  const { answers } = context;
  const parsed = answers.parsedError;
  return (
    <Box flexDirection="column">
      <Text bold color={theme.colourOf('accent')}>
        Ready to diagnose
      </Text>
      <Text>Operation: {answers.operation}</Text>
      <Text>Key:       {answers.key}</Text>
      <Text>Principal: {answers.principal ? answers.principal : 'you (the identity of your credentials)'}</Text>
      {parsed ? (
        <Text dimColor>
          From the error: {parsed.kind}
          {parsed.policyType ? `, AWS blamed the ${parsed.policyType} policy` : ''}
          {answers.focusStep ? ` (the ${answers.focusStep} step is where to look first)` : ''}
        </Text>
      ) : null}
      {context.startError ? <Text color={theme.colourOf('bad')}>{context.startError}</Text> : null}
      <Box marginTop={1}>
        <Text dimColor>Enter start the diagnosis · Esc change the answers · ? help · q quit</Text>
      </Box>
    </Box>
  );
}
