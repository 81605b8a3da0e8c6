// The machine hands every actor what it needs in its input: the session it was given (or `prepare`
// opened), and the run's reads `identify` started; a new identify starts new reads.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, type SnapshotFrom } from 'xstate';
import { diagnosisMachine, verdictTag, type RunReads, type SessionHandle } from '../../machines/diagnosis-machine.js';
import type { DiagnosisRequest } from '../../src/engine/facts.js';
import { findOperation } from '../../src/engine/operations.js';
import { keyRef } from '../helpers/parsed-input.js';

const request: DiagnosisRequest = { operation: findOperation('Decrypt')!, key: keyRef('alias/orders-data'), region: 'us-east-1' };
const unreadable = (call: string) => ({ status: 'unreadable', reason: 'access-denied', call, message: 'denied' }) as const;

/** Fixture actors that record the input each was given; identify hands out new reads each time. */
function recording(prepared?: SessionHandle) {
  const inputs: { actor: string; input: { session?: SessionHandle; reads?: RunReads } }[] = [];
  let runs = 0;
  const record = <T,>(actor: string, output: (input: never) => T) =>
    fromPromise(async ({ input }: { input: never }) => {
      inputs.push({ actor, input });
      return output(input);
    }) as never;
  const machine = diagnosisMachine.provide({
    actors: {
      ...(prepared ? { prepare: record('prepare', () => ({ request, session: prepared, environment: { region: 'us-east-1', backupDir: '/tmp' }, answers: {} })) } : {}),
      identify: record('identify', () => ({ caller: unreadable('sts:GetCallerIdentity'), principal: unreadable('iam:GetRole'), key: unreadable('kms:DescribeKey'), reads: { request, run: ++runs } })),
      readKeyPolicy: record('readKeyPolicy', () => unreadable('kms:GetKeyPolicy')),
      readIdentityPolicies: record('readIdentityPolicies', () => ({ principalPolicies: { status: 'known', value: { policies: [] } }, simulation: { status: 'skipped', why: 'fixture' } })),
      readGrants: record('readGrants', () => ({ status: 'known', value: [] })),
      findSteps: record('findSteps', () => ({})),
      evaluate: record('evaluate', () => ({
        diagnosis: { verdict: 'unknown', operation: 'Decrypt', requiredActions: ['kms:Decrypt'], actionResults: [], causes: [], unverified: [], notes: [] },
        fixes: [],
      })),
    },
  });
  return { machine, inputs };
}

type Snapshot = SnapshotFrom<typeof diagnosisMachine>;
const waitFor = (actor: { getSnapshot(): Snapshot; subscribe(f: (s: Snapshot) => void): { unsubscribe(): void } }, predicate: (s: Snapshot) => boolean) =>
  new Promise<Snapshot>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stuck in ${JSON.stringify(actor.getSnapshot().value)}`)), 2000);
    const check = (s: Snapshot) => {
      if (!predicate(s)) return;
      clearTimeout(timer);
      resolve(s);
    };
    actor.subscribe(check);
    check(actor.getSnapshot());
  });

describe('what the actors are given', () => {
  it('headless: the session from the input goes to identify, and identify’s reads to every later step', async () => {
    const session: SessionHandle = { connectedTo: 'fixture' };
    const { machine, inputs } = recording();
    const actor = createActor(machine, { input: { request, session } });
    actor.start();
    await waitFor(actor, (s) => s.hasTag(verdictTag));
    actor.stop();
    expect(inputs.find((i) => i.actor === 'identify')?.input.session).toBe(session);
    const reads = inputs.find((i) => i.actor === 'readKeyPolicy')?.input.reads;
    expect(reads).toEqual({ request, run: 1 });
    for (const step of ['readIdentityPolicies', 'readGrants', 'evaluate']) expect(inputs.find((i) => i.actor === step)?.input.reads, step).toBe(reads);
  });

  it('the wizard: prepare’s session stays in the context and is given to the next prepare; each identify starts new reads, which the later steps get', async () => {
    const session: SessionHandle = { connectedTo: 'fixture' };
    const { machine, inputs } = recording(session);
    const actor = createActor(machine, { input: { interactive: true, answers: { mode: 'operation', operation: 'Decrypt', key: 'alias/orders-data', principal: '' } } });
    actor.start();
    actor.send({ type: 'CONTINUE' });
    await waitFor(actor, (s) => s.matches({ identify: 'review' }));
    expect(actor.getSnapshot().context.session).toBe(session);
    // A second prepare is given the session the run holds (it keeps it when it still fits).
    actor.send({ type: 'BACK' });
    actor.send({ type: 'CONTINUE' });
    await waitFor(actor, (s) => s.matches({ identify: 'review' }));
    expect(inputs.filter((i) => i.actor === 'prepare').map((i) => i.input.session)).toEqual([undefined, session]);
    expect(actor.getSnapshot().context.reads).toEqual({ request, run: 2 });
    actor.send({ type: 'CONTINUE' });
    actor.send({ type: 'CONTINUE' });
    actor.send({ type: 'CONTINUE' });
    await waitFor(actor, (s) => s.matches({ keyPolicy: 'review' }));
    expect(inputs.filter((i) => i.actor === 'readKeyPolicy').at(-1)?.input.reads).toEqual({ request, run: 2 });
    actor.stop();
  });
});
