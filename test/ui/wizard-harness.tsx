// The wizard as the CLI renders it, with its real actors (the AWS SDK against the sandbox), in a fake
// terminal: the start screen offers the training scenarios, and the sandbox starts in-process.
import type { DiagnosisContext, DiagnosisMachineInput } from '../../machines/diagnosis-machine.js';
import { requestOptionsOfAnswers } from '../../src/commands/wizard-answers.js';
import { createWizardRuntime, type WizardRuntime, type WizardRuntimeOptions } from '../../src/live/wizard-actors.js';
import { builtInScenarios } from '../../src/sandbox/scenario/built-in-scenarios.js';
import { App } from '../../src/ui/app.js';
import { cleanupInk, keys, press, renderInk, waitForFrame, type InkHarness } from './ink-helpers.js';

/** The sandbox is consistent at once: wait little for visibility and verification. */
export const fastApply = {
  visibility: { attempts: 4, intervalMs: 5, consecutive: 2 },
  verification: { attempts: 2, intervalMs: 50 },
} as const;

export interface Wizard {
  readonly harness: InkHarness;
  readonly runtime: WizardRuntime;
}

const running: WizardRuntime[] = [];

export function renderWizard(
  options: { runtime?: Partial<WizardRuntimeOptions>; input?: Partial<DiagnosisMachineInput>; bracketedPaste?: boolean; columns?: number; rows?: number; onExit?: (context: DiagnosisContext) => void } = {},
): Wizard {
  const runtime = createWizardRuntime({ connection: {}, requestOptionsOf: requestOptionsOfAnswers, env: { AWS_EC2_METADATA_DISABLED: 'true' }, ...fastApply, ...options.runtime });
  running.push(runtime);
  const harness = renderInk(
    <App logic={runtime.machine} input={{ interactive: true, credentialsFound: false, ...options.input }} scenarios={builtInScenarios()} colour={false} {...(options.onExit ? { onExit: options.onExit } : {})} />,
    { bracketedPaste: options.bracketedPaste ?? false, ...(options.columns !== undefined ? { columns: options.columns } : {}), ...(options.rows !== undefined ? { rows: options.rows } : {}) },
  );
  return { harness, runtime };
}

/** Unmounts the wizards and stops their sandboxes (call in afterEach). */
export async function cleanupWizards(): Promise<void> {
  cleanupInk();
  for (const runtime of running.splice(0)) await runtime.dispose();
}

/** The training scenarios in menu order (blank has no exercise). */
export const trainingScenarios = builtInScenarios()
  .map((s) => s.name)
  .filter((name) => name !== 'blank');

/** From the start screen, opens a training scenario and waits for the first step. */
export async function openScenario(harness: InkHarness, scenario: string): Promise<string> {
  await waitForFrame(harness, 'Training scenarios');
  const index = trainingScenarios.indexOf(scenario);
  if (index < 0) throw new Error(`no training scenario ${scenario}`);
  for (let i = 0; i < index; i += 1) await press(harness, keys.down);
  await waitForFrame(harness, `❯ ${scenario}`);
  await press(harness, keys.enter);
  // The scenario opens on its story; Enter starts the diagnosis.
  await waitForFrame(harness, 'Enter start the diagnosis · Esc back to the scenarios');
  await press(harness, keys.enter);
  return waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
}

/** From step 1, Enter through every step the tree shows to the verdict (step 7), waiting for each screen. */
export async function walkToVerdict(harness: InkHarness): Promise<void> {
  // The tree may skip steps (an unusable key goes straight to the verdict; grants that cannot decide are not shown).
  for (let step = 1, presses = 0; step < 7 && presses < 6; presses += 1) {
    await press(harness, keys.enter);
    const frame = await waitForFrame(harness, new RegExp(`step [${step + 1}-7]/8[\\s\\S]*(See it yourself|Enter plan the fix)`));
    step = Number(/step (\d)\/8/.exec(frame)?.[1] ?? 7);
  }
}
