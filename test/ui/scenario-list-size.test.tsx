// The scenario list fits the terminal: on a terminal too short for all the scenarios it scrolls
// around the focus (↑/↓ N more) instead of being squeezed, so its title, the focused scenario, the
// other scenarios' lines and the keys line are all whole (at 80x24 the squeezed list lost its title
// and drew scenarios over each other, leaving "…(intermediate)iate)").
import { afterEach, describe, expect, it } from 'vitest';
import { keys, press, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, renderWizard, trainingScenarios } from './wizard-harness.js';

afterEach(cleanupWizards);

/** The scenario lines shown, by name, in order. */
const shownScenarios = (frame: string) => frame.split('\n').flatMap((line) => /^(?:❯ |  )(?:✔ )?([a-z0-9-]+) — /.exec(line)?.[1] ?? []);

describe.each([
  [80, 24],
  [70, 20],
  [40, 12],
])('the scenario list at %ix%i', (columns, rows) => {
  it('keeps its title, whole scenario lines and its keys, and scrolls to the last scenario', async () => {
    const { harness } = renderWizard({ columns, rows });
    const first = await waitForFrame(harness, 'Enter open');
    const lines = first.split('\n');
    expect(lines.length, first).toBeLessThan(rows);
    expect(lines[0], first).toMatch(/^kms-doctor · /);
    expect(first).toContain('Training scenarios');
    for (const line of lines) expect(line.length, first).toBeLessThanOrEqual(columns);
    const shown = shownScenarios(first);
    expect(shown[0]).toBe(trainingScenarios[0]);
    // A contiguous window of the list, in its order: nothing drawn over anything else.
    expect(shown).toEqual(trainingScenarios.slice(0, shown.length));
    expect(first).toMatch(/↓ \d+ more/);
    expect(first).toMatch(/q quit\s*$/);

    for (let i = 1; i < trainingScenarios.length; i += 1) await press(harness, keys.down);
    const last = await waitForFrame(harness, `❯ ${trainingScenarios.at(-1)!.slice(0, columns - 4)}`);
    expect(last).toContain('Training scenarios');
    expect(last.split('\n').length).toBeLessThan(rows);
    expect(last).toMatch(/↑ \d+ more/);
    expect(last).toMatch(/q quit\s*$/);
  });
});
