// Every built-in training scenario, diagnosed from its own sandbox state: the engine must name the cause
// the scenario was written to teach, reached by the same evaluation rules the sandbox refuses with.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/diagnose.js';
import { builtInScenarios, loadScenario } from '../../src/sandbox/scenario.js';
import { factsFromState, optionsFromState } from '../helpers/facts-from-state.js';

const names = builtInScenarios().map((s) => s.name);

describe('built-in training scenarios', () => {
  it('has training scenarios to diagnose', async () => {
    const withTraining = (await Promise.all(names.map(loadScenario))).filter((state) => state.training?.expectedCause !== undefined);
    expect(withTraining.length).toBeGreaterThanOrEqual(6);
  });

  for (const name of names) {
    it(`${name}: names the expected cause`, async () => {
      const state = await loadScenario(name);
      const training = state.training;
      if (training?.expectedCause === undefined) return;
      const diagnosis = await diagnose(factsFromState(state, training), optionsFromState(state, training));
      expect(diagnosis.verdict).toBe('denied');
      expect(diagnosis.causes.map((c) => c.code)).toContain(training.expectedCause);
      // The scenario teaches one cause: it is the one reported first.
      expect(diagnosis.causes[0]?.code).toBe(training.expectedCause);
      expect(diagnosis.unverified.filter((u) => !u.what.includes('simulator'))).toEqual([]);
    });

    it(`${name}: the unrelated principal is not allowed either`, async () => {
      const state = await loadScenario(name);
      const training = state.training;
      if (training?.unrelatedPrincipal === undefined) return;
      const unrelated = { ...training, principal: training.unrelatedPrincipal };
      const diagnosis = await diagnose(factsFromState(state, unrelated), optionsFromState(state, unrelated));
      expect(diagnosis.verdict).toBe('denied');
    });
  }
});
