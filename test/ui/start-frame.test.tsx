// The wizard's first frame is drawn before the decision machine is loaded (src/ui/start-frame.tsx):
// it must be the frame the machine's App draws, so the handover changes nothing on screen, and a
// choice made on it must reach the machine.
import { createActor } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { diagnosisMachine, type DiagnosisEvent } from '../../machines/diagnosis-machine.js';
import { builtInScenarios } from '../../src/sandbox/scenario/built-in-scenarios.js';
import { firstStartState, StartFrame } from '../../src/ui/start-frame.js';
import { cleanupInk, keys, press, renderInk, settle, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, renderWizard } from './wizard-harness.js';

afterEach(async () => {
  cleanupInk();
  await cleanupWizards();
});

describe('the start frame drawn before the machine', () => {
  it.each([true, false])('starts where the machine starts (credentials found: %s)', (credentialsFound) => {
    const actor = createActor(diagnosisMachine, { input: { interactive: true, answers: {}, credentialsFound } });
    actor.start();
    const snapshot = actor.getSnapshot();
    actor.stop();
    const first = firstStartState(credentialsFound);
    expect(first.value).toEqual(snapshot.value);
    expect(first.context).toEqual(snapshot.context);
  });

  it.each([true, false])('draws the frame the App draws first, in 80x24 (credentials found: %s)', async (credentialsFound) => {
    const early = renderInk(<StartFrame credentialsFound={credentialsFound} scenarios={builtInScenarios()} colour={false} send={() => undefined} />, { columns: 80, rows: 24 });
    await settle();
    const wizard = renderWizard({ input: { credentialsFound }, columns: 80, rows: 24 });
    await settle();
    expect(early.lastFrame()).toContain(credentialsFound ? 'How do you want to start?' : 'No AWS credentials were found');
    expect(early.lastFrame()).toBe(wizard.harness.lastFrame());
  });

  it('hands a choice made on it to the machine when the App takes over', async () => {
    const chosen: DiagnosisEvent[] = [];
    const early = renderInk(<StartFrame credentialsFound scenarios={builtInScenarios()} colour={false} send={(event) => chosen.push(event)} />, { columns: 80, rows: 24 });
    await press(early, keys.enter);
    expect(chosen).toEqual([{ type: 'CHOOSE_START', mode: 'error' }]);
    const { harness } = renderWizard({ input: { credentialsFound: true }, columns: 80, rows: 24, pending: chosen });
    await waitForFrame(harness, 'Paste the error message');
  });
});
