// Actors are functions of their input: what a step reads depends on the session and the run's reads it
// is given, never on what another run did in the same process. Against the sandbox, over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActor, type SnapshotFrom } from 'xstate';
import { verdictTag, type DiagnosisMachineInput } from '../../machines/diagnosis-machine.js';
import { createAwsSession } from '../../src/aws/aws-session.js';
import { requestOptionsOfAnswers } from '../../src/commands/wizard-answers.js';
import { findOperation } from '../../src/engine/operations.js';
import { identify, readKeyPolicy } from '../../src/live/diagnosis-actors.js';
import { LiveSession } from '../../src/live/live-session.js';
import { createWizardRuntime, type WizardRuntime } from '../../src/live/wizard-actors.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { cliEnv } from '../helpers/scenario-principals.js';
import { keyRef, principalRef } from '../helpers/parsed-input.js';

const ordersKey = 'arn:aws:kms:us-east-1:111122223333:key/f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df';
const appRole = 'arn:aws:iam::111122223333:role/AppRole';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox('no-iam-delegation');
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('the reading actors', () => {
  it('called twice with different requests, each reads for its own input', async () => {
    const session = new LiveSession({ session: await createAwsSession({ profile: 'admin', endpointUrl: sandbox.endpoint, env: cliEnv(sandbox) }) });
    try {
      const request = (keyInput: string) => ({ operation: findOperation('Decrypt')!, key: keyRef(keyInput), region: 'us-east-1', principal: principalRef(appRole) });
      const orders = request('alias/orders-data');
      const missing = request('alias/not-here');
      const ordersRun = await identify({ request: orders, session });
      // A second run starts after the first: the first run's later steps still read its own key.
      const missingRun = await identify({ request: missing, session });
      expect(missingRun.key.status).toBe('unreadable');
      const policy = await readKeyPolicy({ request: orders, ...(ordersRun.reads ? { reads: ordersRun.reads } : {}) });
      expect(ordersRun.key.status === 'known' && ordersRun.key.value.arn).toBe(ordersKey);
      expect(policy.status).toBe('known');
      expect(policy.status === 'known' && policy.value.text).toContain('Allow access for Key Administrators');
      expect((await readKeyPolicy({ request: missing, ...(missingRun.reads ? { reads: missingRun.reads } : {}) })).status).toBe('skipped');
      // A step given no run's reads says so: it has no run of its own to fall back on.
      await expect(readKeyPolicy({ request: orders })).rejects.toThrow(/no diagnosis is under way/);
    } finally {
      session.session.destroy();
    }
  });
});

describe('two wizard runs in one process', () => {
  type Wizard = WizardRuntime['machine'];
  type Snapshot = SnapshotFrom<Wizard>;

  const waitFor = (actor: ReturnType<typeof createActor<Wizard>>, predicate: (snapshot: Snapshot) => boolean) =>
    new Promise<Snapshot>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stuck in ${JSON.stringify(actor.getSnapshot().value)}`)), 20_000);
      const check = (snapshot: Snapshot) => {
        if (!predicate(snapshot)) return;
        clearTimeout(timer);
        subscription.unsubscribe();
        resolve(snapshot);
      };
      const subscription = actor.subscribe(check);
      check(actor.getSnapshot());
    });
  /** A screen that waits for the user: no read, evaluation or preparation under way. */
  const settled = (snapshot: Snapshot) => !/loading|concluding|preparing|evaluating|deciding/.test(JSON.stringify(snapshot.value));

  it('do not see each other: the second run started between the first one’s steps leaves the first one’s reads alone', async () => {
    const runtime = createWizardRuntime({
      connection: { profile: 'admin', endpointUrl: sandbox.endpoint },
      requestOptionsOf: requestOptionsOfAnswers,
      env: cliEnv(sandbox),
      backupDir: `${sandbox.configDir}/backups`,
    });
    const input = (key: string): DiagnosisMachineInput => ({ interactive: true, credentialsFound: true, answers: { mode: 'operation', operation: 'Decrypt', key, principal: appRole } });
    const first = createActor(runtime.machine, { input: input('alias/orders-data') });
    const second = createActor(runtime.machine, { input: input('alias/not-here') });
    try {
      first.start();
      second.start();
      first.send({ type: 'CONTINUE' });
      const firstIdentified = await waitFor(first, (s) => s.matches({ identify: 'review' }));
      second.send({ type: 'CONTINUE' });
      const secondIdentified = await waitFor(second, (s) => s.matches({ identify: 'review' }));
      expect(secondIdentified.context.identity?.key.status).toBe('unreadable');
      expect(secondIdentified.context.reads).not.toBe(firstIdentified.context.reads);

      // The first run goes on to its verdict after the second one identified another key.
      let snapshot = firstIdentified;
      while (!snapshot.hasTag(verdictTag)) {
        first.send({ type: 'CONTINUE' });
        snapshot = await waitFor(first, (s) => s !== snapshot && settled(s));
      }
      expect(snapshot.context.keyPolicy?.status).toBe('known');
      expect(snapshot.context.result?.diagnosis.key).toBe(ordersKey);
      expect(snapshot.context.result?.diagnosis.verdict).toBe('denied');
      expect(snapshot.context.result?.diagnosis.causes.map((cause) => cause.code)).toContain('key-policy-no-iam-delegation');
    } finally {
      first.stop();
      second.stop();
      await runtime.dispose();
    }
  });
});
