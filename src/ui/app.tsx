// The wizard: the decision machine's state on screen, one view per group of states. The machine comes
// in as a prop (`logic`), with the live actors from the CLI or fixtures from a test.
import { useActor } from '@xstate/react';
import { Box, Text } from 'ink';
import { useCallback, useMemo, useRef } from 'react';
import { ListKeysContext, type ListKeys } from './components/choice-list.js';
import type { DiagnosisContext, diagnosisMachine, DiagnosisEvent, DiagnosisMachineInput } from '../../machines/diagnosis-machine.js';
import { displaySafe } from '../engine/display-text.js';
import { Header } from './components/header.js';
import { GlossaryOverlay, HelpOverlay, QuitQuestion } from './components/overlays.js';
import { ScrollContext, type ScrollControl } from './components/scroll-region.js';
import { ApplyingScreen } from './screens/applying-screen.js';
import { ConfirmScreen } from './screens/confirm-screen.js';
import { ContextQuestionScreen } from './screens/context-question-screen.js';
import { FailedScreen } from './screens/failed-screen.js';
import { FinishedScreen } from './screens/finished-screen.js';
import { FixReviewScreen } from './screens/fix-review-screen.js';
import { GrantsScreen } from './screens/grants-screen.js';
import { IamScreen } from './screens/iam-screen.js';
import { AccountScreen, IdentifyScreen } from './screens/identify-screen.js';
import { KeyPolicyScreen } from './screens/key-policy-screen.js';
import { KeyStateScreen } from './screens/key-state-screen.js';
import type { ScreenProps } from './screens/screen-props.js';
import { PredictionResult, PredictionScreen } from './screens/prediction-screen.js';
import { StartScreen, type ScenarioChoice } from './screens/start-screen.js';
import { VerdictScreen } from './screens/verdict-screen.js';
import { themeFor, ThemeProvider } from './theme.js';
import { useImmediateReducer } from './use-immediate-reducer.js';
import { useTerminalRows } from './use-terminal-width.js';
import { useWizardKeys } from './use-wizard-keys.js';
import { initialView, scrollKeyOf, scrollOffsetOn, viewReducer } from './wizard-keys.js';
import { screenOf, type ScreenInfo } from './wizard-screens.js';

/** The step a pasted error's wording points at (firstStepFor), as a screen. */
const focusOf: Record<string, ScreenInfo['id']> = { 'key-state': 'keyState', 'key-policy': 'keyPolicy', 'identity-policies': 'iam', grants: 'grants' };

/** The training course: the screen that reveals a prediction's step (the screen after its question). */
const predictedOn: Partial<Record<ScreenInfo['id'], 'keyState' | 'keyPolicy' | 'identityPolicies' | 'verdict'>> = {
  keyState: 'keyState',
  keyPolicy: 'keyPolicy',
  iam: 'identityPolicies',
  verdict: 'verdict',
};

export interface AppProps {
  /** The decision machine, with its actors provided. */
  readonly logic: typeof diagnosisMachine;
  readonly input: DiagnosisMachineInput;
  /** The built-in training scenarios, for the start. */
  readonly scenarios: readonly ScenarioChoice[];
  /** False for NO_COLOR and terminals without colour. */
  readonly colour: boolean;
  /** Told the last context when the user quits (the CLI prints the card to keep from it). */
  readonly onExit?: (context: DiagnosisContext) => void;
}

export function App({ logic, input, scenarios, colour, onExit }: AppProps) {
  const [snapshot, , actor] = useActor(logic, { input });
  const [view, applyView, viewNow] = useImmediateReducer(viewReducer, initialView);
  // The list on screen shares the keys with the wizard's handler (a filter being typed has them first).
  const listKeys = useRef<ListKeys>({}).current;
  useWizardKeys(actor, viewNow, applyView, onExit, listKeys);
  // A list or text field answers after the key has gone round every handler, so the wizard's own
  // handler judges that key by the screen it was pressed on (Enter on a question must not also
  // continue past the next screen).
  const sendFromWidget = useCallback((event: DiagnosisEvent) => queueMicrotask(() => actor.send(event)), [actor]);
  const screen = screenOf(snapshot.value);
  // Screens show the context with control characters escaped (a Sid or an AWS message holding ESC or
  // CSI sequences is shown, not obeyed); the machine and the fixes keep the exact values.
  const shownContext = useMemo(() => displaySafe(snapshot.context), [snapshot.context]);
  const props: ScreenProps = { context: shownContext, screen, details: view.details, send: sendFromWidget };
  // The screen fits the terminal: the header keeps its line at the top, the screen gets the rows
  // below it (its middle region scrolls). One row is left free: Ink clears the whole terminal on
  // every redraw of output as tall as the terminal.
  const rows = useTerminalRows();
  const predictionStep = predictedOn[screen.id];
  const revealed = predictionStep !== undefined && !screen.loading && view.overlay === 'none' ? shownContext.predictions?.[predictionStep] : undefined;
  const scrollKey = scrollKeyOf(screen);
  const offset = scrollOffsetOn(view.scroll, scrollKey);
  const scroll = useMemo<ScrollControl>(
    () => ({ offset, report: (room, page) => void applyView({ type: 'scroll-room', screen: scrollKey, room, page }) }),
    [offset, scrollKey, applyView],
  );
  const tree = (
    <ThemeProvider theme={themeFor(colour)}>
      <ScrollContext.Provider value={scroll}>
        <Box flexDirection="column" {...(rows !== undefined ? { height: rows - 1 } : {})}>
          <Box flexDirection="column" flexShrink={0}>
            <Header {...(screen.step !== undefined ? { step: screen.step } : {})} {...(snapshot.context.environment?.sandbox ? { sandbox: snapshot.context.environment.sandbox } : {})} />
            {focusOf[snapshot.context.answers.focusStep ?? ''] === screen.id && view.overlay === 'none' ? (
              <Text color={colour ? 'yellow' : undefined}>The error you pasted blames this layer: read this step closely.</Text>
            ) : null}
            {revealed ? <PredictionResult record={revealed} /> : null}
          </Box>
          <Box flexDirection="column" flexShrink={1} overflowY="hidden">
            {view.overlay === 'help' ? <HelpOverlay /> : view.overlay === 'glossary' ? <GlossaryOverlay /> : <ScreenView {...props} scenarios={scenarios} quitHeld={view.quitHeld} hintShown={view.hint === scrollKey} />}
          </Box>
          {view.overlay === 'quit' ? (
            <Box flexDirection="column" flexShrink={0}>
              <QuitQuestion sandbox={snapshot.context.environment?.sandbox !== undefined} {...(snapshot.context.environment ? { backupDir: snapshot.context.environment.backupDir } : {})} />
            </Box>
          ) : null}
        </Box>
      </ScrollContext.Provider>
    </ThemeProvider>
  );
  return <ListKeysContext.Provider value={listKeys}>{tree}</ListKeysContext.Provider>;
}

function ScreenView(props: ScreenProps & { readonly scenarios: readonly ScenarioChoice[]; readonly quitHeld: boolean; readonly hintShown: boolean }) {
  switch (props.screen.id) {
    case 'start':
      return <StartScreen {...props} />;
    case 'identify':
      return <IdentifyScreen {...props} />;
    case 'account':
      return <AccountScreen {...props} />;
    case 'keyState':
      return <KeyStateScreen {...props} />;
    case 'keyPolicy':
      return <KeyPolicyScreen {...props} />;
    case 'iam':
      return <IamScreen {...props} />;
    case 'grants':
      return <GrantsScreen {...props} />;
    case 'contextQuestion':
      return <ContextQuestionScreen {...props} />;
    case 'verdict':
      return <VerdictScreen {...props} />;
    case 'fixReview':
      return <FixReviewScreen {...props} />;
    case 'confirm':
      return <ConfirmScreen {...props} />;
    case 'applying':
      return <ApplyingScreen {...props} />;
    case 'finished':
      return <FinishedScreen {...props} />;
    case 'failed':
      return <FailedScreen {...props} />;
    case 'predict':
      return <PredictionScreen {...props} />;
  }
}
