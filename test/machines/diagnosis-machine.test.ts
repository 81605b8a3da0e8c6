// Path coverage of the decision tree: every leaf (each cause, "allowed", "could not determine") is
// reachable, with the outcome of every read listed explicitly as the event that carries it. And the
// machine, run as an actor, walks the steps in order, waits in the wizard, and recovers from failures.
import { keyRef } from '../helpers/parsed-input.js';
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, transition, type SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  causeLeaf,
  diagnosisMachine,
  verdictTag,
  type DiagnosisEvent,
  type EvaluateOutput,
  type IdentifyOutput,
  type IdentityPoliciesOutput,
} from '../../machines/diagnosis-machine.js';
import { causeCodes, type CauseCode, type Diagnosis } from '../../src/engine/cause.js';
import type { DiagnosisRequest, GrantFacts, KeyPolicyFacts, Observation } from '../../src/engine/facts.js';
import { findOperation } from '../../src/engine/operations.js';
import type { Plan } from '../../src/apply/plan-types.js';
import type { ApplyOutput, DiagnosisMachineInput, PrepareOutput } from '../../machines/diagnosis-machine.js';

const request: DiagnosisRequest = {
  operation: findOperation('Decrypt')!,
  key: keyRef('alias/orders-data'),
  region: 'us-east-1',
};

const identity: IdentifyOutput = {
  caller: { status: 'known', value: { arn: 'arn:aws:sts::111122223333:assumed-role/AppRole/s1', accountId: '111122223333', userId: 'AROA:s1' } },
  principal: {
    status: 'known',
    value: { arn: 'arn:aws:sts::111122223333:assumed-role/AppRole/s1', entityArn: 'arn:aws:iam::111122223333:role/AppRole', kind: 'role', name: 'AppRole', accountId: '111122223333' },
  },
  key: { status: 'unreadable', reason: 'access-denied', call: 'kms:DescribeKey', message: 'denied' },
};
const keyPolicy: Observation<KeyPolicyFacts> = { status: 'unreadable', reason: 'access-denied', call: 'kms:GetKeyPolicy', message: 'denied' };
const identityPolicies: IdentityPoliciesOutput = {
  principalPolicies: { status: 'known', value: { policies: [] } },
  simulation: { status: 'skipped', why: 'fixture' },
};
const grants: Observation<readonly GrantFacts[]> = { status: 'known', value: [] };

function evaluation(verdict: Diagnosis['verdict'], code?: CauseCode): EvaluateOutput {
  return {
    diagnosis: {
      verdict,
      operation: 'Decrypt',
      requiredActions: ['kms:Decrypt'],
      actionResults: [],
      causes: code ? [{ code, layer: 'key-policy', summary: code, actions: ['kms:Decrypt'], evidence: [] }] : [],
      unverified: [],
      notes: [],
    },
    fixes: [],
  };
}

const done = (id: string, output: unknown) => ({ type: `xstate.done.actor.${id}`, output }) as unknown as DiagnosisEvent;
const failure = (id: string) => ({ type: `xstate.error.actor.${id}`, error: new Error('endpoint unreachable') }) as unknown as DiagnosisEvent;

/** Every outcome each step can have, as events. */
const outcomeEvents: DiagnosisEvent[] = [
  { type: 'SUBMIT_REQUEST', request },
  { type: 'CONTINUE' },
  { type: 'BACK' },
  { type: 'RETRY' },
  done('identify', identity),
  done('readKeyPolicy', keyPolicy),
  done('readIdentityPolicies', identityPolicies),
  done('readGrants', grants),
  done('findSteps', {}),
  failure('identify'),
  failure('readKeyPolicy'),
  ...causeCodes.map((code) => done('evaluate', evaluation('denied', code))),
  done('evaluate', evaluation('allowed')),
  done('evaluate', evaluation('unknown')),
];

type Snapshot = SnapshotFrom<typeof diagnosisMachine>;

/** The context of a wizard run with nothing answered yet. */
const wizardBase = { interactive: true, credentialsFound: true, answers: {}, progress: [] } as const;
const leafOf = (snapshot: Snapshot): string => JSON.stringify(snapshot.value);

describe('diagnosis machine paths', () => {
  for (const interactive of [false, true]) {
    it(`reaches every leaf (${interactive ? 'wizard' : 'headless'})`, () => {
      const paths = getShortestPaths(diagnosisMachine, {
        events: outcomeEvents,
        input: { interactive },
        serializeState: (snapshot) => JSON.stringify({ value: snapshot.value, failure: snapshot.context.failure?.step }),
      });
      const reached = new Set(paths.map((path) => leafOf(path.state)));
      const leaves = [
        ...causeCodes.map((code) => JSON.stringify({ denied: causeLeaf(code) })),
        JSON.stringify('allowed'),
        JSON.stringify('undetermined'),
      ];
      for (const leaf of leaves) expect(reached, leaf).toContain(leaf);
      // The path to a leaf passes through every reading step in order.
      const toAllowed = paths.find((path) => leafOf(path.state) === JSON.stringify('allowed'))!;
      const visited = toAllowed.steps.map((step) => JSON.stringify(step.state.value));
      const order = ['identify', 'keyPolicy', 'identityPolicies', 'grants'].map((step) => visited.findIndex((value) => value.includes(step)));
      expect(order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1]!))).toBe(true);
    });
  }

  it('offers retry and continue after a failed read, and back navigation in the wizard', () => {
    const failedAt = (step: 'keyPolicy' | 'identify') =>
      diagnosisMachine.resolveState({ value: 'failed', context: { ...wizardBase, request, failure: { step, message: 'endpoint unreachable' } } });
    expect(transition(diagnosisMachine, failedAt('keyPolicy'), { type: 'RETRY' })[0].value).toEqual({ keyPolicy: 'loading' });
    expect(transition(diagnosisMachine, failedAt('keyPolicy'), { type: 'CONTINUE' })[0].value).toEqual({ identityPolicies: 'loading' });
    expect(transition(diagnosisMachine, failedAt('identify'), { type: 'RETRY' })[0].value).toEqual({ identify: 'loading' });
    const reviewing = diagnosisMachine.resolveState({ value: { identityPolicies: 'review' }, context: { ...wizardBase, request } });
    expect(transition(diagnosisMachine, reviewing, { type: 'BACK' })[0].value).toEqual({ keyPolicy: 'review' });
    expect(transition(diagnosisMachine, reviewing, { type: 'CONTINUE' })[0].value).toEqual({ grants: 'loading' });
  });
});

describe('diagnosis machine as an actor', () => {
  const fixtures = (overrides: Partial<Record<'identify' | 'readKeyPolicy', () => Promise<unknown>>> = {}) =>
    diagnosisMachine.provide({
      actors: {
        identify: fromPromise(overrides.identify ?? (async () => identity)) as never,
        readKeyPolicy: fromPromise(overrides.readKeyPolicy ?? (async () => keyPolicy)) as never,
        readIdentityPolicies: fromPromise(async () => identityPolicies) as never,
        readGrants: fromPromise(async () => grants) as never,
        evaluate: fromPromise(async () => evaluation('denied', 'key-disabled')) as never,
      },
    });

  async function settle(actor: ReturnType<typeof createActor<typeof diagnosisMachine>>, predicate: (s: Snapshot) => boolean): Promise<Snapshot> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stuck in ${JSON.stringify(actor.getSnapshot().value)}`)), 2000);
      const check = (snapshot: Snapshot) => {
        if (predicate(snapshot)) {
          clearTimeout(timer);
          resolve(snapshot);
        }
      };
      actor.subscribe(check);
      check(actor.getSnapshot());
    });
  }

  it('runs headless straight to the leaf of the first cause', async () => {
    const actor = createActor(fixtures(), { input: { request } }).start();
    const final = await settle(actor, (s) => s.hasTag(verdictTag));
    expect(final.matches({ denied: 'keyDisabled' })).toBe(true);
  });

  it('waits on every review screen in the wizard', async () => {
    const actor = createActor(fixtures(), { input: { request, interactive: true } }).start();
    const seen: string[] = [];
    for (const step of ['identify', 'accountBoundary', 'keyState', 'keyPolicy', 'identityPolicies', 'grants']) {
      const snapshot = await settle(actor, (s) => JSON.stringify(s.value).includes(step) && !/loading|concluding/.test(JSON.stringify(s.value)));
      seen.push(JSON.stringify(snapshot.value));
      actor.send({ type: 'CONTINUE' });
    }
    expect(seen[0]).toBe(JSON.stringify({ identify: 'review' }));
    expect((await settle(actor, (s) => s.hasTag(verdictTag))).matches({ denied: 'keyDisabled' })).toBe(true);
  });

  it('retries a failed read and then continues', async () => {
    let attempts = 0;
    const actor = createActor(
      fixtures({
        readKeyPolicy: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error('socket hang up');
          return keyPolicy;
        },
      }),
      { input: { request } },
    ).start();
    const failed = await settle(actor, (s) => s.matches('failed'));
    expect(failed.context.failure).toEqual({ step: 'keyPolicy', message: 'socket hang up' });
    actor.send({ type: 'RETRY' });
    expect((await settle(actor, (s) => s.hasTag(verdictTag))).matches({ denied: 'keyDisabled' })).toBe(true);
    expect(attempts).toBe(2);
  });
});

// The wizard's part: the start questions, and the remediation path from a denied leaf to the verified fix.
const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const pastedError =
  'An error occurred (AccessDeniedException) when calling the Decrypt operation: User: arn:aws:sts::111122223333:assumed-role/AppRole/s1 is not authorized to perform: kms:Decrypt on resource: ' +
  `${keyArn} because no resource-based policy allows the kms:Decrypt action`;

const prepared: PrepareOutput = {
  request,
  session: { connectedTo: 'fixture' },
  environment: { region: 'us-east-1', backupDir: '/tmp/backups' },
  answers: { mode: 'operation', operation: 'Decrypt', key: 'alias/orders-data' },
};

const plan = (steps: number): Plan =>
  ({
    createdAt: '2025-01-01T00:00:00.000Z',
    steps: Array.from({ length: steps }, (_, i) => ({ id: i + 1, cause: 'key-disabled', kind: 'enable-key', title: 'Enable the key', target: { arn: keyArn, accountId: '111122223333' } })),
    skipped: [],
  }) as unknown as Plan;

function applied(outcome: 'verified' | 'pending-propagation' | 'still-denied' | 'rolled-back'): ApplyOutput {
  const report = { outcome: outcome === 'rolled-back' ? 'rolled-back' : 'applied', steps: [], rolledBack: [], manualRollback: [], message: outcome } as const;
  if (outcome === 'rolled-back') return { report };
  return { report, verification: { outcome, message: outcome, diagnosis: evaluation(outcome === 'verified' ? 'allowed' : 'denied').diagnosis } };
}

describe('the wizard: start questions', () => {
  const start = (options: { input: DiagnosisMachineInput }) => createActor(diagnosisMachine, options);
  const at = (value: unknown, context: object = {}) => diagnosisMachine.resolveState({ value: value as never, context: { ...wizardBase, ...context } });
  const after = (snapshot: Snapshot, ...events: DiagnosisEvent[]) => events.reduce((s, e) => transition(diagnosisMachine, s, e)[0], snapshot);

  it('opens on the training scenarios when no credentials were found, on the choice otherwise', () => {
    expect(start({ input: { interactive: true, credentialsFound: false } }).getSnapshot().value).toEqual({ whatFailed: 'scenario' });
    expect(start({ input: { interactive: true } }).getSnapshot().value).toEqual({ whatFailed: 'choose' });
    // Flags that answer everything go straight to the summary; an operation alone asks for the key.
    expect(start({ input: { interactive: true, answers: { operation: 'Decrypt', key: 'alias/x' } } }).getSnapshot().value).toEqual({ whatFailed: 'review' });
    expect(start({ input: { interactive: true, answers: { operation: 'Decrypt' } } }).getSnapshot().value).toEqual({ whatFailed: 'key' });
  });

  it('reads a pasted error into the answers, and says so when it cannot', () => {
    const pasting = after(at({ whatFailed: 'choose' }), { type: 'CHOOSE_START', mode: 'error' });
    expect(pasting.value).toEqual({ whatFailed: 'pasteError' });
    const unreadable = after(pasting, { type: 'ERROR_PASTED', text: 'something went wrong' });
    expect(unreadable.value).toEqual({ whatFailed: 'pasteError' });
    expect(unreadable.context.startError).toMatch(/does not read as an AWS KMS/);
    const read = after(pasting, { type: 'ERROR_PASTED', text: pastedError });
    expect(read.value).toEqual({ whatFailed: 'key' });
    expect(read.context.answers).toMatchObject({ mode: 'error', operation: 'Decrypt', key: keyArn, principal: 'arn:aws:sts::111122223333:assumed-role/AppRole/s1', focusStep: 'key-policy' });
    // --error pre-fills the same way.
    expect(start({ input: { interactive: true, answers: { errorText: pastedError } } }).getSnapshot().value).toEqual({ whatFailed: 'review' });
  });

  it('validates the key and the principal before going on, and goes back one question at a time', () => {
    const key = after(at({ whatFailed: 'operation' }), { type: 'OPERATION_CHOSEN', operation: 's3:PutObject' });
    expect(key.value).toEqual({ whatFailed: 'key' });
    const wrong = after(key, { type: 'KEY_ENTERED', key: 'my key' });
    expect(wrong.value).toEqual({ whatFailed: 'key' });
    expect(wrong.context.startError).toMatch(/not a key ID/);
    const principal = after(wrong, { type: 'KEY_ENTERED', key: ' alias/uploads ' });
    expect(principal.value).toEqual({ whatFailed: 'principal' });
    expect(principal.context.startError).toBeUndefined();
    expect(after(principal, { type: 'PRINCIPAL_ENTERED', principal: 'AppRole' }).context.startError).toMatch(/not an IAM user, role/);
    const review = after(principal, { type: 'PRINCIPAL_ENTERED', principal: '' });
    expect(review.value).toEqual({ whatFailed: 'review' });
    expect(review.context.answers).toEqual({ mode: 'operation', operation: 's3:PutObject', key: 'alias/uploads', principal: '' });
    expect(after(review, { type: 'BACK' }, { type: 'BACK' }, { type: 'BACK' }).value).toEqual({ whatFailed: 'operation' });
  });

  it('prepares the run, shows why preparing failed, and goes back to the answers from the first step', () => {
    const preparing = after(at({ whatFailed: 'review' }, { answers: prepared.answers }), { type: 'CONTINUE' });
    expect(preparing.value).toEqual({ whatFailed: 'preparing' });
    const identifying = after(preparing, done('prepare', prepared));
    expect(identifying.value).toEqual({ identify: 'loading' });
    expect(identifying.context.request).toEqual(request);
    expect(after(preparing, failure('prepare')).value).toEqual({ whatFailed: 'review' });
    expect(after(preparing, failure('prepare')).context.startError).toBe('endpoint unreachable');
    const training = after(at({ whatFailed: 'scenario' }), { type: 'SCENARIO_CHOSEN', scenario: 'key-disabled' });
    expect(training.value).toEqual({ whatFailed: 'preparing' });
    expect(after(training, failure('prepare')).value).toEqual({ whatFailed: 'scenario' });
    const concluding = after(identifying, done('identify', identity));
    expect(concluding.value).toEqual({ identify: 'concluding' });
    const reviewing = after(concluding, done('findSteps', {}));
    expect(after(reviewing, { type: 'BACK' }).value).toEqual({ whatFailed: 'review' });
  });
});

describe('the wizard: remediation', () => {
  const deniedLeaf = () => {
    const evaluated = diagnosisMachine.resolveState({ value: 'evaluating', context: { ...wizardBase, request, identity } });
    return transition(diagnosisMachine, evaluated, done('evaluate', evaluation('denied', 'key-disabled')))[0];
  };
  const after = (snapshot: Snapshot, ...events: DiagnosisEvent[]) => events.reduce((s, e) => transition(diagnosisMachine, s, e)[0], snapshot);

  it('plans from a denied leaf; BACK from the plan re-derives the leaf', () => {
    const leaf = deniedLeaf();
    expect(leaf.value).toEqual({ denied: 'keyDisabled' });
    const planning = after(leaf, { type: 'CONTINUE' });
    expect(planning.value).toEqual({ remedy: 'planning' });
    const review = after(planning, done('planFix', plan(1)));
    expect(review.value).toEqual({ remedy: 'review' });
    expect(after(review, { type: 'BACK' }).value).toEqual({ denied: 'keyDisabled' });
    // A plan with nothing to apply has no confirmation.
    expect(after(planning, done('planFix', plan(0)), { type: 'CONTINUE' }).value).toEqual({ remedy: 'review' });
    // Planning failed: retry it, or go back to the verdict.
    const failed = after(planning, failure('planFix'));
    expect(failed.value).toBe('failed');
    expect(failed.context.failure?.step).toBe('plan');
    expect(after(failed, { type: 'RETRY' }).value).toEqual({ remedy: 'planning' });
    expect(after(failed, { type: 'CONTINUE' }).value).toEqual({ denied: 'keyDisabled' });
  });

  it('applies only after a typed yes, keeps the progress, and ends on the right final screen', () => {
    const confirm = after(deniedLeaf(), { type: 'CONTINUE' }, done('planFix', plan(1)), { type: 'CONTINUE' });
    expect(confirm.value).toEqual({ remedy: 'confirm' });
    const refused = after(confirm, { type: 'CONFIRM_TEXT', text: 'y' });
    expect(refused.value).toEqual({ remedy: 'confirm' });
    expect(refused.context.confirmError).toMatch(/Only 'yes'/);
    expect(after(refused, { type: 'BACK' }).value).toEqual({ remedy: 'review' });
    const applying = after(refused, { type: 'CONFIRM_TEXT', text: ' yes ' });
    expect(applying.value).toEqual({ remedy: 'applying' });
    const progressed = after(
      applying,
      { type: 'APPLY_PROGRESS', event: { type: 'step-started', stepId: 1, title: 'Enable the key' } },
      { type: 'APPLY_PROGRESS', event: { type: 'written', stepId: 1 } },
    );
    expect(progressed.context.progress.map((e) => e.type)).toEqual(['step-started', 'written']);
    const finals = {
      verified: 'verified',
      'pending-propagation': 'pendingPropagation',
      'still-denied': 'stillDenied',
      'rolled-back': 'rolledBack',
    } as const;
    for (const [outcome, leaf] of Object.entries(finals)) {
      expect(after(progressed, done('applyFix', applied(outcome as keyof typeof finals))).value).toEqual({ remedy: { finished: leaf } });
    }
    const broken = after(progressed, failure('applyFix'));
    expect(broken.value).toEqual({ remedy: 'applyFailed' });
    expect(broken.context.progress).toHaveLength(2);
  });

  it('still denied: RESTART runs the diagnosis again from the first read with the same request', () => {
    const stillDenied = after(deniedLeaf(), { type: 'CONTINUE' }, done('planFix', plan(1)), { type: 'CONTINUE' }, { type: 'CONFIRM_TEXT', text: 'yes' }, done('applyFix', applied('still-denied')));
    const restarted = after(stillDenied, { type: 'RESTART' });
    expect(restarted.value).toEqual({ identify: 'loading' });
    expect(restarted.context.request).toEqual(request);
    expect(restarted.context.result).toBeUndefined();
    expect(restarted.context.plan).toBeUndefined();
    expect(restarted.context.progress).toEqual([]);
  });

  it('reaches every final screen and every failure screen (path coverage)', () => {
    const events: DiagnosisEvent[] = [
      ...outcomeEvents.filter((e) => e.type !== 'SUBMIT_REQUEST'),
      { type: 'CHOOSE_START', mode: 'operation' },
      { type: 'OPERATION_CHOSEN', operation: 'Decrypt' },
      { type: 'KEY_ENTERED', key: 'alias/orders-data' },
      { type: 'PRINCIPAL_ENTERED', principal: '' },
      done('prepare', prepared),
      done('planFix', plan(1)),
      failure('planFix'),
      { type: 'CONFIRM_TEXT', text: 'yes' },
      ...(['verified', 'pending-propagation', 'still-denied', 'rolled-back'] as const).map((o) => done('applyFix', applied(o))),
      failure('applyFix'),
      { type: 'RESTART' },
    ];
    const paths = getShortestPaths(diagnosisMachine, {
      events,
      input: { interactive: true },
      serializeState: (snapshot) => JSON.stringify({ value: snapshot.value, failure: snapshot.context.failure?.step }),
    });
    const reached = new Set(paths.map((path) => leafOf(path.state)));
    for (const leaf of ['verified', 'pendingPropagation', 'stillDenied', 'rolledBack']) expect(reached).toContain(JSON.stringify({ remedy: { finished: leaf } }));
    expect(reached).toContain(JSON.stringify({ remedy: 'applyFailed' }));
    // The shortest way to a verified fix asks the questions, prepares, evaluates, plans and confirms.
    const toVerified = paths.find((path) => leafOf(path.state) === JSON.stringify({ remedy: { finished: 'verified' } }))!;
    const types = toVerified.steps.map((step) => step.event.type);
    expect(types).toContain('KEY_ENTERED');
    expect(types).toContain('CONFIRM_TEXT');
    for (const actor of ['prepare', 'evaluate', 'planFix', 'applyFix']) expect(types).toContain(`xstate.done.actor.${actor}`);
  });
});

describe('the wizard as an actor', () => {
  it('walks a training scenario from the start to the verified fix, with the apply progress coming back as events', async () => {
    const seen: string[] = [];
    const machine = diagnosisMachine.provide({
      actors: {
        prepare: fromPromise(async () => ({ ...prepared, answers: { mode: 'training' as const, scenario: 'key-disabled', operation: 'Encrypt', key: 'alias/batch-exports' } })) as never,
        identify: fromPromise(async () => identity) as never,
        readKeyPolicy: fromPromise(async () => keyPolicy) as never,
        readIdentityPolicies: fromPromise(async () => identityPolicies) as never,
        readGrants: fromPromise(async () => grants) as never,
        evaluate: fromPromise(async () => evaluation('denied', 'key-disabled')) as never,
        planFix: fromPromise(async () => plan(1)) as never,
        applyFix: fromPromise(async ({ input }: { input: { onProgress: (e: unknown) => void } }) => {
          input.onProgress({ type: 'step-started', stepId: 1, title: 'Enable the key' });
          input.onProgress({ type: 'written', stepId: 1 });
          input.onProgress({ type: 'step-finished', stepId: 1, status: 'applied' });
          return applied('verified');
        }) as never,
      },
    });
    const actor = createActor(machine, { input: { interactive: true, credentialsFound: false } });
    actor.subscribe((s) => seen.push(JSON.stringify(s.value)));
    actor.start();
    const waitFor = (predicate: (s: Snapshot) => boolean) =>
      new Promise<Snapshot>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`stuck in ${JSON.stringify(actor.getSnapshot().value)}`)), 2000);
        const check = (s: Snapshot) => predicate(s) && (clearTimeout(timer), resolve(s));
        actor.subscribe(check);
        check(actor.getSnapshot());
      });
    actor.send({ type: 'SCENARIO_CHOSEN', scenario: 'key-disabled' });
    for (const step of ['identify', 'accountBoundary', 'keyState', 'keyPolicy', 'identityPolicies', 'grants']) {
      await waitFor((s) => JSON.stringify(s.value).includes(step) && !/loading|concluding/.test(JSON.stringify(s.value)));
      actor.send({ type: 'CONTINUE' });
    }
    await waitFor((s) => s.matches({ denied: 'keyDisabled' }));
    actor.send({ type: 'CONTINUE' });
    await waitFor((s) => s.matches({ remedy: 'review' }));
    actor.send({ type: 'CONTINUE' });
    actor.send({ type: 'CONFIRM_TEXT', text: 'yes' });
    const final = await waitFor((s) => s.matches({ remedy: 'finished' }));
    expect(final.value).toEqual({ remedy: { finished: 'verified' } });
    expect(final.context.progress.map((e) => e.type)).toEqual(['step-started', 'written', 'step-finished']);
    expect(final.context.answers.scenario).toBe('key-disabled');
    expect(seen[0]).toBe(JSON.stringify({ whatFailed: 'scenario' }));
    actor.stop();
  });
});
