// The start: how to begin (paste the error, choose the operation, open a training scenario), the
// training scenarios, and the answers before anything is read.
import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import { explainPastedError } from '../../engine/error-explanation.js';
import { ChoiceList } from '../components/choice-list.js';
import { scenarioMenuLayout, type ScenarioChoice } from '../scenario-menu-layout.js';
import { startChoices, startIntro, startKeysLine, startNeedsCredentials, startTitle } from '../start-menu.js';
import { useTheme } from '../theme.js';
import { useTerminalRows, useTerminalWidth } from '../use-terminal-width.js';
import { CloudTrailPicker } from './cloudtrail-picker.js';
import { QuestionScreen } from './question-screen.js';
import { ScenarioIntroScreen } from './scenario-intro-screen.js';
import type { ScreenProps } from './screen-props.js';

export type { ScenarioChoice };

export function StartScreen(props: ScreenProps & { readonly scenarios: readonly ScenarioChoice[] }) {
  const { context, screen, send, scenarios } = props;
  const theme = useTheme();
  const error = context.startError ? <Text color={theme.colourOf('bad')}>{context.startError}</Text> : null;
  switch (screen.part) {
    case 'choose':
      return (
        <Box flexDirection="column">
          <Text bold color={theme.colourOf('accent')}>
            {startTitle}
          </Text>
          <Text>{startIntro}</Text>
          {!context.credentialsFound ? <Text color={theme.colourOf('warn')}>{startNeedsCredentials}</Text> : null}
          <Box marginTop={1}>
            <ChoiceList choices={startChoices} onChoose={(mode) => send({ type: 'CHOOSE_START', mode })} />
          </Box>
          {error}
          <Text dimColor>{startKeysLine}</Text>
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

function ScenarioMenu({ context, send, scenarios }: ScreenProps & { readonly scenarios: readonly ScenarioChoice[] }) {
  const theme = useTheme();
  const width = useTerminalWidth();
  const rows = useTerminalRows();
  const layout = scenarioMenuLayout({
    scenarios,
    width,
    rows,
    credentialsFound: context.credentialsFound,
    ...(context.trainingCourse ? { trainingCourse: true } : {}),
    ...(context.doneScenarios ? { doneScenarios: context.doneScenarios } : {}),
    ...(context.trainingScores ? { trainingScores: context.trainingScores } : {}),
    ...(context.startError ? { startError: context.startError } : {}),
  });
  return (
    <Box flexDirection="column">
      <Text bold color={theme.colourOf('accent')}>
        {layout.title}
      </Text>
      {layout.showIntro ? <Text color={layout.introWarns ? theme.colourOf('warn') : undefined}>{layout.intro}</Text> : null}
      <Box marginTop={layout.showIntro ? 1 : 0} flexShrink={0}>
        <ChoiceList choices={layout.choices} limit={layout.limit} onChoose={(scenario) => send({ type: 'SCENARIO_CHOSEN', scenario })} />
      </Box>
      {context.startError ? <Text color={theme.colourOf('bad')}>{context.startError}</Text> : null}
      <Text dimColor>{layout.keysLine}</Text>
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
