// Every built-in training scenario, diagnosed from its own sandbox state: the engine must name the cause
// the scenario was written to teach, reached by the same evaluation rules the sandbox refuses with.
// Scenarios are loaded while the tests are collected, so one without a cause to teach (blank) or without
// an unrelated principal shows up as skipped rather than as a test that passed without asserting.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/diagnose.js';
import { builtInScenarios, loadScenario } from '../../src/sandbox/scenario.js';
import { factsFromState, optionsFromState } from '../helpers/facts-from-state.js';

const scenarios = await Promise.all(builtInScenarios().map(async ({ name }) => ({ name, training: (await loadScenario(name)).training })));

describe('built-in training scenarios', () => {
  it('has training scenarios to diagnose', () => {
    expect(scenarios.filter(({ training }) => training?.expectedCause !== undefined).length).toBeGreaterThanOrEqual(6);
  });

  for (const { name, training } of scenarios) {
    const expectedCause = training?.expectedCause;
    it.skipIf(expectedCause === undefined)(`${name}: names the expected cause`, async () => {
      const state = await loadScenario(name);
      expect(state.training?.expectedCause).toBe(expectedCause);
      const diagnosis = await diagnose(factsFromState(state, state.training!), optionsFromState(state, state.training!));
      // A cause that depends on a value nobody knows here (condition-unknown) leaves the verdict undetermined.
      expect(diagnosis.verdict).toBe(expectedCause === 'condition-unknown' ? 'unknown' : 'denied');
      expect(diagnosis.causes.map((c) => c.code)).toContain(expectedCause);
      // The scenario teaches one cause: it is the one reported first.
      expect(diagnosis.causes[0]?.code).toBe(expectedCause);
      expect(diagnosis.unverified.filter((u) => !u.what.includes('simulator'))).toEqual([]);
    });

    const unrelatedPrincipal = training?.unrelatedPrincipal;
    it.skipIf(unrelatedPrincipal === undefined)(`${name}: the unrelated principal is not allowed either`, async () => {
      const state = await loadScenario(name);
      expect(state.training?.unrelatedPrincipal).toBe(unrelatedPrincipal);
      const unrelated = { ...state.training!, principal: unrelatedPrincipal! };
      const diagnosis = await diagnose(factsFromState(state, unrelated), optionsFromState(state, unrelated));
      expect(diagnosis.verdict).toBe('denied');
    });
  }
});
