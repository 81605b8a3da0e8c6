// The wizard: the decision machine's state on screen, one view per group of states. The machine comes
// in as a prop (`logic`), with the live actors from the CLI or fixtures from a test.
import { useActor } from '@xstate/react';
import { useCallback, useEffect, useMemo } from 'react';
import type { DiagnosisContext, diagnosisMachine, DiagnosisEvent, DiagnosisMachineInput } from '../../machines/diagnosis-machine.js';
import { displaySafe } from '../engine/display-text.js';
import { GlossaryOverlay, HelpOverlay, QuitQuestion } from './components/overlays.js';
import type { ScrollControl } from './components/scroll-region.js';
import { ApplyingScreen } from './screens/applying-screen.js';
import { ConfirmScreen } from './screens/confirm-screen.js';
import { FailedScreen } from './screens/failed-screen.js';
import { FinishedScreen } from './screens/finished-screen.js';
import { FixReviewScreen } from './screens/fix-review-screen.js';
import { GrantsScreen } from './screens/grants-screen.js';
import { IamScreen } from './screens/iam-screen.js';
import { AccountScreen, IdentifyScreen } from './screens/identify-screen.js';
import { KeyPolicyScreen } from './screens/key-policy-screen.js';
import { KeyStateScreen } from './screens/key-state-screen.js';
import type { ScreenProps } from './screens/screen-props.js';
import { StartScreen, type ScenarioChoice } from './screens/start-screen.js';
import { VerdictScreen } from './screens/verdict-screen.js';
import { useImmediateReducer } from './use-immediate-reducer.js';
import { useWizardKeys } from './use-wizard-keys.js';
import { initialView, scrollKeyOf, scrollOffsetOn, viewReducer } from './wizard-keys.js';
import { WizardLayout } from './wizard-layout.js';
import { screenOf, type ScreenInfo } from './wizard-screens.js';

/** The step a pasted error's wording points at (firstStepFor), as a screen. */
const focusOf: Record<string, ScreenInfo['id']> = { 'key-state': 'keyState', 'key-policy': 'keyPolicy', 'identity-policies': 'iam', grants: 'grants' };

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
  /** Events chosen on the start frame drawn before the App (src/ui/start-frame.tsx), sent once on mount. */
  readonly pending?: readonly DiagnosisEvent[];
}

export function App({ logic, input, scenarios, colour, onExit, pending }: AppProps) {
  const [snapshot, , actor] = useActor(logic, { input });
  useEffect(() => {
    for (const event of pending ?? []) actor.send(event);
    // Once, on mount: later events go straight to the actor.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [actor]);
  const [view, applyView, viewNow] = useImmediateReducer(viewReducer, initialView);
  useWizardKeys(actor, viewNow, applyView, onExit);
  // A list or text field answers after the key has gone round every handler, so the wizard's own
  // handler judges that key by the screen it was pressed on (Enter on a question must not also
  // continue past the next screen).
  const sendFromWidget = useCallback((event: DiagnosisEvent) => queueMicrotask(() => actor.send(event)), [actor]);
  const screen = screenOf(snapshot.value);
  // Screens show the context with control characters escaped (a Sid or an AWS message holding ESC or
  // CSI sequences is shown, not obeyed); the machine and the fixes keep the exact values.
  const shownContext = useMemo(() => displaySafe(snapshot.context), [snapshot.context]);
  const props: ScreenProps = { context: shownContext, screen, details: view.details, send: sendFromWidget };
  const scrollKey = scrollKeyOf(screen);
  const offset = scrollOffsetOn(view.scroll, scrollKey);
  const scroll = useMemo<ScrollControl>(
    () => ({ offset, report: (room, page) => void applyView({ type: 'scroll-room', screen: scrollKey, room, page }) }),
    [offset, scrollKey, applyView],
  );
  return (
    <WizardLayout
      colour={colour}
      screen={screen}
      sandbox={snapshot.context.environment?.sandbox}
      focusLine={focusOf[snapshot.context.answers.focusStep ?? ''] === screen.id && view.overlay === 'none'}
      scroll={scroll}
      footer={
        view.overlay === 'quit' ? (
          <QuitQuestion sandbox={snapshot.context.environment?.sandbox !== undefined} {...(snapshot.context.environment ? { backupDir: snapshot.context.environment.backupDir } : {})} />
        ) : null
      }
    >
      {view.overlay === 'help' ? <HelpOverlay /> : view.overlay === 'glossary' ? <GlossaryOverlay /> : <ScreenView {...props} scenarios={scenarios} quitHeld={view.quitHeld} />}
    </WizardLayout>
  );
}

function ScreenView(props: ScreenProps & { readonly scenarios: readonly ScenarioChoice[]; readonly quitHeld: boolean }) {
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
  }
}
