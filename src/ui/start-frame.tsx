// The wizard's first frame, drawn before the decision machine and the other screens are loaded: the
// start screen the machine opens on when no answers were given as flags (the start menu, or the
// training scenarios when no credentials were found), in the same layout the App draws it. The App
// then takes over (its first frame is the same text, so Ink writes nothing), and whatever was chosen
// meanwhile is handed to the machine in order.
import { useMemo } from 'react';
import type { DiagnosisContext, DiagnosisEvent } from '../../machines/diagnosis-machine.js';
import type { ScrollControl } from './components/scroll-region.js';
import { StartScreen, type ScenarioChoice } from './screens/start-screen.js';
import { WizardLayout } from './wizard-layout.js';
import { screenOf } from './wizard-screens.js';

/**
 * The machine's first context and state for the wizard with no answers given (the machine's `context`
 * and whatFailed.routing; test/ui/start-frame.test.tsx holds the two to each other).
 */
export function firstStartState(credentialsFound: boolean): { readonly context: DiagnosisContext; readonly value: { readonly whatFailed: 'choose' | 'scenario' } } {
  return {
    context: { interactive: true, credentialsFound, answers: {}, givenAnswers: {}, doneScenarios: [], progress: [] },
    value: { whatFailed: credentialsFound ? 'choose' : 'scenario' },
  };
}

export interface StartFrameProps {
  readonly credentialsFound: boolean;
  readonly scenarios: readonly ScenarioChoice[];
  readonly colour: boolean;
  /** Events chosen before the machine is there: kept for it. */
  readonly send: (event: DiagnosisEvent) => void;
}

const stillScroll: ScrollControl = { offset: 0, report: () => undefined };

export function StartFrame({ credentialsFound, scenarios, colour, send }: StartFrameProps) {
  const { context, value } = useMemo(() => firstStartState(credentialsFound), [credentialsFound]);
  const screen = screenOf(value);
  return (
    <WizardLayout colour={colour} screen={screen} sandbox={undefined} focusLine={false} scroll={stillScroll} footer={null}>
      <StartScreen context={context} screen={screen} details={false} send={send} scenarios={scenarios} />
    </WizardLayout>
  );
}
