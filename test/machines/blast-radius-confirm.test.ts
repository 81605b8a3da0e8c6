// The wizard's confirmation and a fix's blast radius (issue 8 item 4): when the planned fix newly allows
// more than the request, a typed `yes` no longer applies it; only `accept` does, after the confirm
// screen listed what it lets in. With an empty blast radius, `yes` applies as before.
import { keyRef } from '../helpers/parsed-input.js';
import { describe, expect, it } from 'vitest';
import { transition, type SnapshotFrom } from 'xstate';
import { diagnosisMachine, type DiagnosisEvent, type EvaluateOutput, type IdentifyOutput } from '../../machines/diagnosis-machine.js';
import type { Plan } from '../../src/apply/plan-types.js';
import type { DiagnosisRequest } from '../../src/engine/facts.js';
import type { Fix, NewlyAllowed } from '../../src/engine/fix.js';
import { findOperation } from '../../src/engine/operations.js';

type Snapshot = SnapshotFrom<typeof diagnosisMachine>;
const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const request: DiagnosisRequest = { operation: findOperation('Decrypt')!, key: keyRef(keyArn), region: 'us-east-1' };
const identity: IdentifyOutput = {
  caller: { status: 'known', value: { arn: 'arn:aws:iam::111122223333:user/admin', accountId: '111122223333', userId: 'AIDA' } },
  principal: { status: 'known', value: { arn: 'arn:aws:iam::111122223333:role/App', entityArn: 'arn:aws:iam::111122223333:role/App', kind: 'role', name: 'App', accountId: '111122223333' } },
  key: { status: 'unreadable', reason: 'access-denied', call: 'kms:DescribeKey', message: 'denied' },
};
const lets: NewlyAllowed = { probe: 'other-encryption-context', principal: 'arn:aws:iam::111122223333:role/App', action: 'kms:Decrypt', description: 'App with another encryption context' };

function evaluated(newlyAllows: NewlyAllowed[]): EvaluateOutput {
  const fix: Fix = { cause: 'explicit-deny', title: 'Except App from the Deny', explanation: '', target: { type: 'key-policy', arn: keyArn, policyName: 'default' }, commands: [], files: [], steps: [{ kind: 'put-key-policy', keyArn, policy: '{}' }], newlyAllows };
  return {
    diagnosis: { verdict: 'denied', operation: 'Decrypt', requiredActions: ['kms:Decrypt'], actionResults: [], causes: [{ code: 'explicit-deny', layer: 'key-policy', summary: '', actions: ['kms:Decrypt'], evidence: [] }], unverified: [], notes: [] },
    fixes: [fix],
  };
}

const plan = { createdAt: '2025-01-01T00:00:00.000Z', steps: [{ id: 1, fixIndex: 0, cause: 'explicit-deny', kind: 'put-key-policy', title: 'Except App', target: { arn: keyArn, accountId: '111122223333' } }], skipped: [] } as unknown as Plan;
const done = (id: string, output: unknown) => ({ type: `xstate.done.actor.${id}`, output }) as unknown as DiagnosisEvent;
const after = (snapshot: Snapshot, ...events: DiagnosisEvent[]) => events.reduce((s, e) => transition(diagnosisMachine, s, e)[0], snapshot);

function confirmScreen(newlyAllows: NewlyAllowed[]): Snapshot {
  const evaluating = diagnosisMachine.resolveState({ value: 'evaluating', context: { interactive: true, credentialsFound: true, answers: {}, progress: [], request, identity } });
  return after(evaluating, done('evaluate', evaluated(newlyAllows)), { type: 'CONTINUE' }, done('planFix', plan), { type: 'CONTINUE' });
}

describe('confirming a fix with a blast radius', () => {
  it('does not apply on yes; applies only on accept', () => {
    const confirm = confirmScreen([lets]);
    expect(confirm.value).toEqual({ remedy: 'confirm' });
    const refused = after(confirm, { type: 'CONFIRM_TEXT', text: 'yes' });
    expect(refused.value).toEqual({ remedy: 'confirm' });
    expect(refused.context.confirmError).toMatch(/Only 'accept' applies: the change also newly allows/);
    expect(after(refused, { type: 'CONFIRM_TEXT', text: 'accept' }).value).toEqual({ remedy: 'applying' });
  });

  it('applies on yes when the fix newly allows nothing else', () => {
    const confirm = confirmScreen([]);
    expect(after(confirm, { type: 'CONFIRM_TEXT', text: 'accept' }).context.confirmError).toMatch(/Only 'yes'/);
    expect(after(confirm, { type: 'CONFIRM_TEXT', text: 'yes' }).value).toEqual({ remedy: 'applying' });
  });
});
