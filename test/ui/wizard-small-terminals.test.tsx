// At 40x12 and 70x20, every screen of a training walk keeps its header on the first line (one line,
// never wider than the terminal) and its keys on the last, and fits the terminal's height.
import { afterEach, describe, expect, it } from 'vitest';
import { keys, press, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, renderWizard, trainingScenarios } from './wizard-harness.js';

afterEach(cleanupWizards);

/** The keys line at the bottom, which may wrap onto a second or third line on a narrow terminal. */
const bottom = (frame: string) => frame.split('\n').filter((line) => line.trim() !== '').slice(-3).map((line) => line.trim()).join(' ');

function fits(frame: string, columns: number, rows: number, keysText: string): void {
  const lines = frame.split('\n');
  expect(lines.length, frame).toBeLessThan(rows);
  expect(lines[0], frame).toMatch(/^kms-doctor · /);
  expect(lines.filter((line) => line.startsWith('kms-doctor · ')), frame).toHaveLength(1);
  for (const line of lines) expect(line.length, frame).toBeLessThanOrEqual(columns);
  expect(bottom(frame), frame).toContain(keysText);
  expect(bottom(frame), frame).toMatch(/q quit$/);
}

// At 40x12 the scenario list scrolls and a step's conclusion and intro scroll with its data, so the
// keys line is never cut.
describe.each([[70, 20], [40, 12]])('at %ix%i', (columns, rows) => {
  it('the scenario list, the story, the steps and the verdict keep header and keys', async () => {
    const { harness } = renderWizard({ columns, rows });
    fits(await waitForFrame(harness, 'Enter open'), columns, rows, 'Enter open');
    for (let i = 0; i < trainingScenarios.indexOf('cross-account-one-side'); i += 1) await press(harness, keys.down);
    await press(harness, keys.enter);
    const intro = await waitForFrame(harness, /SANDBOX[\s\S]*Enter start the diagnosis/);
    fits(intro, columns, rows, 'Enter start the diagnosis');
    expect(intro.split('\n')[0]).toContain('SANDBOX');
    await press(harness, keys.enter);
    for (let step = 1; step <= 6; step += 1) {
      if (step > 1) await press(harness, keys.enter);
      // Read: the step's conclusion (✔/✘/•) is on screen.
      const frame = await waitForFrame(harness, new RegExp(`step ${step}/8[\\s\\S]*\\n[✔✘•] [\\s\\S]*Enter continue`));
      fits(frame, columns, rows, 'Enter continue');
      expect(frame.split('\n')[0]).toContain('SANDBOX');
    }
    await press(harness, keys.enter);
    fits(await waitForFrame(harness, /step 7\/8[\s\S]*Enter plan the fix/), columns, rows, 'Enter plan the fix');
  });
});

describe('at 40x12', () => {
  it('the header stays one line with the step and the SANDBOX marker (the title and scenario name give way)', async () => {
    const { harness } = renderWizard({ columns: 40, rows: 12 });
    await waitForFrame(harness, 'Enter open');
    await press(harness, keys.enter);
    const intro = await waitForFrame(harness, /SANDBOX[\s\S]*Enter start/);
    expect(intro.split('\n')[0]).toBe('kms-doctor · diagnose  SANDBOX');
    await press(harness, keys.enter);
    const step = await waitForFrame(harness, /step 1\/8[\s\S]*\n[✔✘•] /);
    expect(step.split('\n')[0]).toBe('kms-doctor · step 1/8  SANDBOX');
    expect(step.split('\n').filter((line) => line.startsWith('kms-doctor · '))).toHaveLength(1);
  });

  it('the help overlay (?) fits: each key on its own line beside its meaning, scrolling with ↓, and closes', async () => {
    const { harness } = renderWizard({ columns: 40, rows: 12 });
    await waitForFrame(harness, 'Enter open');
    await press(harness, keys.enter);
    await waitForFrame(harness, /SANDBOX[\s\S]*Enter start/);
    await press(harness, keys.enter);
    await waitForFrame(harness, /step 1\/8[\s\S]*\n[✔✘•] /);
    await press(harness, '?');
    const help = await waitForFrame(harness, '? or Esc close');
    const lines = help.split('\n');
    expect(lines.length, help).toBeLessThan(12);
    expect(lines[0], help).toMatch(/^kms-doctor · step 1\/8/);
    for (const line of lines) expect(line.length, help).toBeLessThanOrEqual(40);
    // Rows are not drawn over each other: Enter's meaning starts on its own row, Esc's on the next ones.
    expect(help).toMatch(/│ Enter\s+continue to the next step/);
    expect(help).toMatch(/│ Esc, ←\s+back one step\s+│/);
    expect(help).toMatch(/↓ \d+ more lines?/);
    for (let i = 0; i < 30; i += 1) await press(harness, keys.down);
    const scrolled = await waitForFrame(harness, /│ Ctrl-C\s+quit, also while/);
    expect(scrolled).toContain('? or Esc close');
    await press(harness, keys.escape);
    await waitForFrame(harness, /step 1\/8[\s\S]*Enter continue/);
  });
});
