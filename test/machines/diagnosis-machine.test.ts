// Path coverage of the decision tree: every leaf (each cause, "allowed", "could not determine") is
// reachable, with the outcome of every read listed explicitly as the event that carries it. And the
// machine, run as an actor, walks the steps in order, waits in the wizard, and recovers from failures.
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

const request: DiagnosisRequest = {
  operation: findOperation('Decrypt')!,
  keyInput: 'alias/orders-data',
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
  failure('identify'),
  failure('readKeyPolicy'),
  ...causeCodes.map((code) => done('evaluate', evaluation('denied', code))),
  done('evaluate', evaluation('allowed')),
  done('evaluate', evaluation('unknown')),
];

type Snapshot = SnapshotFrom<typeof diagnosisMachine>;
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
      diagnosisMachine.resolveState({ value: 'failed', context: { interactive: true, request, failure: { step, message: 'endpoint unreachable' } } });
    expect(transition(diagnosisMachine, failedAt('keyPolicy'), { type: 'RETRY' })[0].value).toEqual({ keyPolicy: 'loading' });
    expect(transition(diagnosisMachine, failedAt('keyPolicy'), { type: 'CONTINUE' })[0].value).toEqual({ identityPolicies: 'loading' });
    expect(transition(diagnosisMachine, failedAt('identify'), { type: 'RETRY' })[0].value).toEqual({ identify: 'loading' });
    const reviewing = diagnosisMachine.resolveState({ value: { identityPolicies: 'review' }, context: { interactive: true, request } });
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
      const snapshot = await settle(actor, (s) => JSON.stringify(s.value).includes(step) && !JSON.stringify(s.value).includes('loading'));
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
