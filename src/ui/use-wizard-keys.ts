// The wizard's one key handler: each key becomes a machine event or a view action (wizard-keys.ts).
// It reads the machine's snapshot and the view state as they are when the key arrives, not as they
// were at the last render, so keys typed or pasted faster than the screen redraws go where they should.
import { useApp, useInput } from 'ink';
import type { ActorRefFrom } from 'xstate';
import { somethingWritten, type DiagnosisContext, type diagnosisMachine } from '../../machines/diagnosis-machine.js';
import type { ListKeys } from './components/choice-list.js';
import { keyOutcome, type ViewAction, type ViewState } from './wizard-keys.js';
import { screenOf } from './wizard-screens.js';

export function useWizardKeys(
  actor: ActorRefFrom<typeof diagnosisMachine>,
  view: () => ViewState,
  applyView: (action: ViewAction) => ViewState,
  /** Told the machine's last context right before the wizard exits (the card to keep is made from it). */
  beforeExit?: (context: DiagnosisContext) => void,
  /** The list on screen: it has keys first while a filter is typed, and gets the keys the wizard leaves. */
  listKeys?: ListKeys,
): void {
  const { exit } = useApp();
  useInput((input, key) => {
    const list = listKeys?.current;
    const listFiltering = list?.filtering() ?? false;
    if (listFiltering && list?.handle(input, key)) return;
    const snapshot = actor.getSnapshot();
    const outcome = keyOutcome(input, key, { screen: screenOf(snapshot.value), view: view(), written: somethingWritten(snapshot.context), listFiltering });
    if (!outcome) {
      if (!listFiltering && view().overlay === 'none') list?.handle(input, key);
      return;
    }
    if ('exit' in outcome) {
      beforeExit?.(snapshot.context);
      exit();
    }
    else if ('event' in outcome) actor.send(outcome.event);
    else applyView(outcome.view);
  });
}
