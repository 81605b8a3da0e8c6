// Path coverage of the diagnosis tree in machines/: the guards named after an engineer's questions
// (isCrossAccount, keyUnusable, keyPolicyDelegatesToIam, keyPolicyNamesPrincipal, operationUsesGrants,
// grantsCanDecide…) choose which steps the wizard shows and in which order, from the engine's step
// findings. Each walk drives the pure machine with the findings a step would produce; together the walks
// must take every branch of every deciding state and end on a verdict, and the verdict stays the
// evaluate actor's (diagnose()'s) whatever path was shown.
import { keyRef } from '../helpers/parsed-input.js';
import { describe, expect, it } from 'vitest';
import { transition, type SnapshotFrom } from 'xstate';
import { diagnosisMachine, verdictTag, type DiagnosisEvent, type EvaluateOutput, type IdentifyOutput } from '../../machines/diagnosis-machine.js';
import type { CauseCode } from '../../src/engine/cause.js';
import type { DiagnosisRequest } from '../../src/engine/facts.js';
import { findOperation } from '../../src/engine/operations.js';
import type { StatementEffect, StepFindings } from '../../src/engine/step-findings.js';

type Snapshot = SnapshotFrom<typeof diagnosisMachine>;

const decrypt: DiagnosisRequest = { operation: findOperation('Decrypt')!, key: keyRef('alias/orders-data'), region: 'us-east-1' };
const withGrants: DiagnosisRequest = { ...decrypt, operation: { ...decrypt.operation, usesGrants: true } };

const identity: IdentifyOutput = {
  caller: { status: 'known', value: { arn: 'arn:aws:iam::111122223333:role/AppRole', accountId: '111122223333', userId: 'AROA' } },
  principal: { status: 'known', value: { arn: 'arn:aws:iam::111122223333:role/AppRole', entityArn: 'arn:aws:iam::111122223333:role/AppRole', kind: 'role', name: 'AppRole', accountId: '111122223333' } },
  key: { status: 'unreadable', reason: 'access-denied', call: 'kms:DescribeKey', message: 'denied' },
};

interface Shape {
  readonly crossAccount?: boolean;
  readonly usable?: boolean;
  /** The key policy's effect on kms:Decrypt; 'unread' when it could not be read. */
  readonly keyPolicy: StatementEffect | 'unread';
  readonly grantsCanDecide: boolean;
}

/** The findings the engine would give for a request of this shape (only what the guards read). */
function findingsOf(shape: Shape): StepFindings {
  const kp = shape.keyPolicy;
  return {
    accountBoundary: { tone: 'ok', conclusion: '', ...(shape.crossAccount !== undefined ? { crossAccount: shape.crossAccount } : {}) },
    keyState: { tone: 'ok', conclusion: '', ...(shape.usable !== undefined ? { usable: shape.usable } : {}) },
    keyPolicy: {
      tone: 'ok',
      conclusion: '',
      read: kp !== 'unread',
      statements: [],
      perAction: kp === 'unread' ? {} : { 'kms:Decrypt': kp },
      denies: kp === 'denies',
      delegatesToIam: kp === 'delegates',
      namesPrincipal: kp === 'allows',
    },
    grants: { tone: 'ok', conclusion: '', read: true, grants: [], canDecide: shape.grantsCanDecide },
  };
}

const done = (id: string, output: unknown) => ({ type: `xstate.done.actor.${id}`, output }) as unknown as DiagnosisEvent;
const verdict = (code: CauseCode): EvaluateOutput => ({
  diagnosis: { verdict: 'denied', operation: 'Decrypt', requiredActions: ['kms:Decrypt'], actionResults: [], causes: [{ code, layer: 'key-policy', summary: code, actions: ['kms:Decrypt'], evidence: [] }], unverified: [], notes: [] },
  fixes: [],
});

const name = (snapshot: Snapshot) => JSON.stringify(snapshot.value);

/**
 * Walks from the first read to the verdict: every read answers, every conclusion gives `shape`'s
 * findings, and every shown step gets CONTINUE. Returns the states the wizard rested in (what the user
 * saw), and every state passed through.
 */
function walk(shape: Shape, options: { interactive?: boolean; request?: DiagnosisRequest; cause?: CauseCode } = {}) {
  const interactive = options.interactive ?? true;
  let snapshot = diagnosisMachine.resolveState({
    value: { identify: 'loading' },
    context: { interactive, credentialsFound: true, answers: {}, progress: [], request: options.request ?? decrypt },
  });
  const passed: string[] = [name(snapshot)];
  const shown: string[] = [];
  const send = (event: DiagnosisEvent) => {
    snapshot = transition(diagnosisMachine, snapshot, event)[0];
    passed.push(name(snapshot));
  };
  for (let guard = 0; guard < 40 && !snapshot.hasTag(verdictTag); guard += 1) {
    const value = name(snapshot);
    if (value.includes('concluding')) send(done('findSteps', findingsOf(shape)));
    else if (value === JSON.stringify({ identify: 'loading' })) send(done('identify', identity));
    else if (value.includes('keyPolicy') && value.includes('loading')) send(done('readKeyPolicy', { status: 'known', value: { text: '{}', document: {} } }));
    else if (value.includes('identityPolicies') && value.includes('loading')) send(done('readIdentityPolicies', { principalPolicies: { status: 'known', value: { policies: [] } }, simulation: { status: 'skipped', why: 'fixture' } }));
    else if (value.includes('grants') && value.includes('loading')) send(done('readGrants', { status: 'known', value: [] }));
    else if (value === JSON.stringify('evaluating')) send(done('evaluate', verdict(options.cause ?? 'key-policy-no-iam-delegation')));
    else {
      shown.push(value);
      send({ type: 'CONTINUE' });
    }
  }
  expect(snapshot.hasTag(verdictTag), `stuck in ${name(snapshot)}`).toBe(true);
  return { shown, passed, final: snapshot };
}

const same = { crossAccount: false, usable: true } as const;

describe('the diagnosis tree', () => {
  it('same account, key policy delegates to IAM, a grant could decide: every step is shown in order', () => {
    const { shown, final } = walk({ ...same, keyPolicy: 'delegates', grantsCanDecide: true });
    expect(shown).toEqual(
      [{ identify: 'review' }, { accountBoundary: 'sameAccount' }, { keyState: 'usable' }, { keyPolicy: 'review' }, { identityPolicies: 'review' }, { grants: 'review' }].map((v) => JSON.stringify(v)),
    );
    // The verdict is the evaluate actor's, whatever was shown.
    expect(final.value).toEqual({ denied: 'keyPolicyNoIamDelegation' });
  });

  it('across accounts: both sides are shown (the key policy in the key account, the IAM policies in the principal account)', () => {
    const { shown } = walk({ crossAccount: true, usable: true, keyPolicy: 'delegates', grantsCanDecide: false });
    expect(shown).toContain(JSON.stringify({ accountBoundary: 'crossAccount' }));
    expect(shown).toContain(JSON.stringify({ keyPolicy: 'review' }));
    expect(shown).toContain(JSON.stringify({ identityPolicies: 'review' }));
  });

  it('accounts unknown: both rules are kept in mind', () => {
    expect(walk({ usable: true, keyPolicy: 'unread', grantsCanDecide: true }).shown).toContain(JSON.stringify({ accountBoundary: 'unknown' }));
  });

  it('an unusable key goes straight to its verdict: the rest is read (the verdict needs it) but not shown', () => {
    const { shown, passed, final } = walk({ ...same, usable: false, keyPolicy: 'delegates', grantsCanDecide: true }, { cause: 'key-disabled' });
    expect(shown).toEqual([{ identify: 'review' }, { accountBoundary: 'sameAccount' }, { keyState: 'unusable' }].map((v) => JSON.stringify(v)));
    for (const read of ['keyPolicy', 'identityPolicies', 'grants']) expect(passed.some((p) => p.includes(read) && p.includes('loading'))).toBe(true);
    expect(final.value).toEqual({ denied: 'keyDisabled' });
  });

  it('…with a way to check the rest anyway, and back to the key state from the verdict', () => {
    const { final } = walk({ ...same, usable: false, keyPolicy: 'delegates', grantsCanDecide: true }, { cause: 'key-disabled' });
    expect(transition(diagnosisMachine, final, { type: 'BACK' })[0].value).toEqual({ keyState: 'unusable' });
    const checking = transition(diagnosisMachine, final, { type: 'CHECK_REST' })[0];
    expect(checking.value).toEqual({ keyPolicy: 'review' });
    expect(checking.context.checkingTheRest).toBe(true);
    // From there the steps are shown, and the verdict offers no second shortcut.
    const identityStep = transition(diagnosisMachine, checking, { type: 'CONTINUE' })[0];
    expect(identityStep.value).toEqual({ identityPolicies: 'loading' });
    const usableKey = walk({ ...same, keyPolicy: 'delegates', grantsCanDecide: true }).final;
    expect(transition(diagnosisMachine, usableKey, { type: 'CHECK_REST' })[0].value).toEqual(usableKey.value);
  });

  for (const [keyPolicy, iamStep] of [
    ['delegates', 'review'],
    ['allows', 'review'],
    ['unread', 'review'],
    ['none', 'notCounting'],
    ['denies', 'notCounting'],
  ] as const) {
    it(`key policy ${keyPolicy}: the IAM step is shown as ${iamStep === 'review' ? 'weighed' : 'not counting'}, and back from the grants returns to it`, () => {
      const { shown, final } = walk({ ...same, keyPolicy, grantsCanDecide: true });
      expect(shown).toContain(JSON.stringify({ identityPolicies: iamStep }));
      const grants = transition(diagnosisMachine, final, { type: 'BACK' })[0];
      expect(grants.value).toEqual({ grants: 'review' });
      expect(transition(diagnosisMachine, grants, { type: 'BACK' })[0].value).toEqual({ identityPolicies: iamStep });
    });
  }

  it('the grants step is skipped when no grant can decide and the operation creates none; back from the verdict returns to IAM', () => {
    const { shown, final } = walk({ ...same, keyPolicy: 'delegates', grantsCanDecide: false });
    expect(shown.some((s) => s.includes('grants'))).toBe(false);
    expect(transition(diagnosisMachine, final, { type: 'BACK' })[0].value).toEqual({ identityPolicies: 'review' });
    const notCounting = walk({ ...same, keyPolicy: 'none', grantsCanDecide: false }).final;
    expect(transition(diagnosisMachine, notCounting, { type: 'BACK' })[0].value).toEqual({ identityPolicies: 'notCounting' });
  });

  it('the grants step is shown when the operation makes a service create a grant, even if no grant can decide', () => {
    expect(walk({ ...same, keyPolicy: 'delegates', grantsCanDecide: false }, { request: withGrants }).shown).toContain(JSON.stringify({ grants: 'review' }));
  });

  it('headless runs read every step, show none, and skip the findings', () => {
    const { shown, passed, final } = walk({ ...same, usable: false, keyPolicy: 'none', grantsCanDecide: false }, { interactive: false, cause: 'key-disabled' });
    expect(shown).toEqual([]);
    expect(final.context.findings).toBeUndefined();
    for (const read of ['identify', 'keyPolicy', 'identityPolicies', 'grants']) expect(passed.some((p) => p.includes(read) && p.includes('loading'))).toBe(true);
  });

  it('every branch of every deciding state is taken by the walks above', () => {
    const shapes: { shape: Shape; options?: Parameters<typeof walk>[1] }[] = [
      { shape: { ...same, keyPolicy: 'delegates', grantsCanDecide: true } },
      { shape: { crossAccount: true, usable: true, keyPolicy: 'allows', grantsCanDecide: false } },
      { shape: { usable: true, keyPolicy: 'unread', grantsCanDecide: true } },
      { shape: { ...same, usable: false, keyPolicy: 'delegates', grantsCanDecide: true } },
      { shape: { ...same, keyPolicy: 'none', grantsCanDecide: false } },
      { shape: { ...same, keyPolicy: 'denies', grantsCanDecide: false }, options: { request: withGrants } },
      { shape: { ...same, keyPolicy: 'allows', grantsCanDecide: false }, options: { interactive: false } },
    ];
    const visited = new Set(shapes.flatMap(({ shape, options }) => walk(shape, options).passed));
    const states = [
      { identify: 'review' },
      { accountBoundary: 'sameAccount' },
      { accountBoundary: 'crossAccount' },
      { accountBoundary: 'unknown' },
      { keyState: 'usable' },
      { keyState: 'unusable' },
      { keyPolicy: 'review' },
      { identityPolicies: 'review' },
      { identityPolicies: 'notCounting' },
      { grants: 'review' },
      'evaluating',
    ];
    for (const state of states) expect(visited, JSON.stringify(state)).toContain(JSON.stringify(state));
  });
});
