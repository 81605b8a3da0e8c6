// `kms-doctor train`: the wizard's machine in its training-course mode, with its real actors (the AWS
// SDK against the embedded sandbox) and the real progress file in a temporary XDG state directory.
// Before each step's data the trainee predicts; the prediction is judged against the step findings
// and shown over the data with why; the score ends the scenario and is kept as a done mark.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiagnosisContext } from '../../machines/diagnosis-machine.js';
import { readTrainingProgress, trainingProgressPath, writeTrainingProgress } from '../../src/files/training-progress.js';
import { trainingCourse } from '../../src/commands/train-command.js';
import { builtInScenarios } from '../../src/sandbox/scenario/built-in-scenarios.js';
import { App } from '../../src/ui/app.js';
import { exitCardLines } from '../../src/ui/exit-card.js';
import type { WizardRuntime } from '../../src/live/wizard-actors.js';
import { cleanupInk, keys, press, renderInk, type, waitForFrame, type InkHarness } from './ink-helpers.js';
import { fastApply, trainingScenarios } from './wizard-harness.js';

let stateHome: string;
let progressPath: string;
const runtimes: WizardRuntime[] = [];

beforeEach(() => {
  stateHome = mkdtempSync(join(tmpdir(), 'kms-doctor-train-'));
  progressPath = trainingProgressPath({ XDG_STATE_HOME: stateHome });
});

afterEach(async () => {
  cleanupInk();
  for (const runtime of runtimes.splice(0)) await runtime.dispose();
  rmSync(stateHome, { recursive: true, force: true });
});

function renderCourse(onExit?: (context: DiagnosisContext) => void, size: { columns?: number; rows?: number } = {}): InkHarness {
  const { runtime, input } = trainingCourse({ connection: {}, env: { AWS_EC2_METADATA_DISABLED: 'true' }, ...fastApply }, progressPath);
  runtimes.push(runtime);
  return renderInk(<App logic={runtime.machine} input={input} scenarios={builtInScenarios()} colour={false} {...(onExit ? { onExit } : {})} />, size);
}

const flat = (frame: string) => frame.replace(/\s*\n\s*/g, ' ');

/** From the course's list, opens `scenario` and Enters through its story and the first two steps. */
async function openToKeyState(harness: InkHarness, scenario: string): Promise<string> {
  await waitForFrame(harness, 'Training scenarios');
  for (let i = 0; i < trainingScenarios.indexOf(scenario); i += 1) await press(harness, keys.down);
  await waitForFrame(harness, `❯ ${scenario}`);
  await press(harness, keys.enter);
  await waitForFrame(harness, 'Enter start the diagnosis');
  await press(harness, keys.enter);
  await waitForFrame(harness, /step 1\/8[\s\S]*See it yourself/);
  await press(harness, keys.enter);
  await waitForFrame(harness, /step 2\/8[\s\S]*See it yourself/);
  await press(harness, keys.enter);
  return waitForFrame(harness, 'Will the key be usable for this call');
}

describe('kms-doctor train', () => {
  it('lists the scenarios with their difficulty and none done, and has no other start', async () => {
    const harness = renderCourse();
    const frame = await waitForFrame(harness, 'Training scenarios');
    expect(frame).toContain(`0 of ${trainingScenarios.length} done`);
    expect(frame).toMatch(/no-iam-delegation — .*\((beginner|intermediate|advanced)\)/);
    expect(frame).not.toContain('✔');
    expect(frame).not.toContain('Esc other ways to start');
    await press(harness, keys.escape);
    expect(harness.lastFrame()).toContain('Training scenarios');
  });

  it('no-iam-delegation: predict right and wrong, see why, a hint on h, the score at the end, kept as a done mark', async () => {
    let last: DiagnosisContext | undefined;
    const harness = renderCourse((context) => (last = context));
    const question = await openToKeyState(harness, 'no-iam-delegation');
    // The data comes after the prediction: the key's state is not on screen yet.
    expect(question).not.toContain('Is the key usable?');
    expect(question).not.toContain('Hint:');
    await press(harness, 'h');
    await waitForFrame(harness, 'Hint: Look at the error AWS gave');
    // yes (the first choice): right.
    await press(harness, keys.enter);
    let frame = flat(await waitForFrame(harness, 'Is the key usable?'));
    expect(frame).toContain('✔ You predicted "yes": right.');
    expect(frame).toContain('Why:');

    await press(harness, keys.enter);
    await waitForFrame(harness, 'Will the key policy let this principal go on');
    // yes: wrong, the key policy neither names the role nor delegates to IAM.
    await press(harness, keys.enter);
    frame = flat(await waitForFrame(harness, /step 4\/8[\s\S]*the data says/));
    expect(frame).toContain('✘ You predicted "yes"; the data says "no".');

    await press(harness, keys.enter);
    await waitForFrame(harness, "Will IAM's simulator allow the principal every action");
    await press(harness, keys.enter);
    frame = flat(await waitForFrame(harness, /step 5\/8[\s\S]*You predicted/));
    expect(frame).toContain('✔ You predicted "yes": right.');

    await press(harness, keys.enter);
    frame = await waitForFrame(harness, /Which layer says no\?|step 6\/8[\s\S]*See it yourself/);
    if (!frame.includes('Which layer says no?')) {
      await press(harness, keys.enter);
      await waitForFrame(harness, 'Which layer says no?');
    }
    // the key policy: the second choice.
    await press(harness, keys.down);
    await waitForFrame(harness, '❯ the key policy');
    await press(harness, keys.enter);
    frame = flat(await waitForFrame(harness, /step 7\/8[\s\S]*Enter plan the fix/));
    expect(frame).toContain('✔ You predicted "the key policy": right.');

    await press(harness, keys.enter);
    await waitForFrame(harness, 'nothing is written until you confirm');
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Type yes to apply');
    await type(harness, 'yes');
    frame = await waitForFrame(harness, 'Fixed and verified', { timeoutMs: 30_000 });
    expect(frame).toContain('Your predictions: 3 of 4 right.');

    // The progress file: written once the fix is verified, private.
    await expect.poll(() => readTrainingProgress(progressPath).scenarios['no-iam-delegation']).toMatchObject({ right: 3, asked: 4 });
    expect(statSync(progressPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(progressPath, '..')).mode & 0o777).toBe(0o700);

    // Enter: back to the list, the scenario done, with its score.
    await press(harness, keys.enter);
    frame = flat(await waitForFrame(harness, 'Training scenarios'));
    expect(frame).toMatch(/✔ no-iam-delegation — .* · 3\/4 right/);
    expect(frame).toContain(`1 of ${trainingScenarios.length} done`);

    await press(harness, 'q');
    await harness.exited();
    // The card is made from the last diagnosis; after Enter it was forgotten, so no card.
    expect(exitCardLines(last!)).toEqual([]);
  });

  it('the card to keep carries the score when the trainee quits on the finished screen', async () => {
    let last: DiagnosisContext | undefined;
    const harness = renderCourse((context) => (last = context));
    await openToKeyState(harness, 'key-disabled');
    // no (the second choice): right, the key is disabled; the verdict comes next.
    await press(harness, keys.down, keys.enter);
    await waitForFrame(harness, /step 3\/8[\s\S]*You predicted "no": right/);
    await press(harness, keys.enter);
    await waitForFrame(harness, 'Which layer says no?');
    // the request itself (the last choice): wrong.
    for (let i = 0; i < 5; i += 1) await press(harness, keys.down);
    await press(harness, keys.enter);
    const frame = flat(await waitForFrame(harness, /step 7\/8[\s\S]*the data says/));
    expect(frame).toContain('the data says "the key\'s state"');
    await press(harness, 'q');
    await harness.exited();
    expect(exitCardLines(last!).join('\n')).toContain('Training score: 1 of 2 predictions right');
    // Not fixed: nothing kept.
    expect(readTrainingProgress(progressPath).scenarios).toEqual({});
  });

  it('at 40x12 every screen of a scenario keeps its header and its keys and fits', async () => {
    const [columns, rows] = [40, 12];
    const harness = renderCourse(undefined, { columns, rows });
    const fits = (frame: string, keysText: string) => {
      const lines = frame.split('\n');
      expect(lines.length, frame).toBeLessThan(rows);
      expect(lines[0], frame).toMatch(/^kms-doctor · /);
      for (const line of lines) expect(line.length, frame).toBeLessThanOrEqual(columns);
      const bottom = lines.filter((line) => line.trim() !== '').slice(-3).join(' ');
      expect(bottom, frame).toContain(keysText);
      expect(bottom, frame).toMatch(/q quit\s*$/);
    };
    fits(await waitForFrame(harness, 'Enter open'), 'Enter open');
    for (let i = 0; i < trainingScenarios.indexOf('key-disabled'); i += 1) await press(harness, keys.down);
    await waitForFrame(harness, '❯ key-disabled');
    await press(harness, keys.enter);
    await waitForFrame(harness, /SANDBOX[\s\S]*Enter start/);
    await press(harness, keys.enter, keys.enter, keys.enter);
    const question = await waitForFrame(harness, 'Will the key be usable');
    fits(question, 'Enter predict');
    // Both answers are on screen.
    expect(question).toMatch(/❯ yes\n\s+no\n/);
    await press(harness, keys.down, keys.enter);
    const keyState = await waitForFrame(harness, /step 3\/8[\s\S]*You predicted[\s\S]*Enter continue/);
    fits(keyState, 'Enter continue');
    await press(harness, keys.enter);
    fits(await waitForFrame(harness, 'Which layer says no?'), 'Enter predict');
    await press(harness, 'h');
    fits(await waitForFrame(harness, 'Hint:'), 'Enter predict');
    await press(harness, keys.enter);
    fits(await waitForFrame(harness, /step 7\/8[\s\S]*You predicted[\s\S]*Enter plan the fix/), 'Enter plan the fix');
  });

  it('shows the saved progress as done marks from the first frame', async () => {
    writeTrainingProgress(progressPath, { version: 1, scenarios: { 'key-disabled': { finishedAt: '2026-01-01T00:00:00.000Z', right: 2, asked: 2 } } });
    const harness = renderCourse();
    const frame = flat(await waitForFrame(harness, 'Training scenarios'));
    expect(frame).toMatch(/✔ key-disabled — .* · 2\/2 right/);
    expect(frame).not.toMatch(/✔ no-iam-delegation/);
  });
});
