// The verdict rule for a role session's session policy (issue 8): AWS returns it to nobody, so an
// evaluation that allows is "allowed" only when KMS's dry run as the session agrees; a dry run refused
// is AWS's own answer, read like an error given with --error; a session that could not be dry-run (not
// the caller, a service's call) is "unknown", naming the layer and how to settle it.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/diagnose.js';
import { parseKmsError } from '../../src/engine/error-message-parser.js';
import { known, type DiagnosisFacts, type SessionDryRunAnswer } from '../../src/engine/facts.js';
import { account, factsFor, inline, keyArn, policy, roleIn, rootStatement } from '../helpers/engine-facts.js';

const session = roleIn(account);
const allowDecrypt = inline('use-key', policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }));
const readable = (sessionDryRun?: DiagnosisFacts['sessionDryRun']): DiagnosisFacts => ({
  ...factsFor({ keyPolicy: policy(rootStatement), policies: [allowDecrypt] }),
  ...(sessionDryRun ? { sessionDryRun } : {}),
});
const answered = (...answers: SessionDryRunAnswer[]) => known(answers);
const refusedBy = (layer: string) =>
  `User: ${session.arn} is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no ${layer} allows the kms:Decrypt action`;

describe('a role session whose every readable layer allows the call', () => {
  it('is unknown when the session could not be dry-run: the session policy is named, with who can read it and how to settle it', async () => {
    const diagnosis = await diagnose(readable({ status: 'skipped', why: `the session diagnosed is not the caller (arn:aws:iam::${account}:user/admin)` }));
    expect(diagnosis.verdict).toBe('unknown');
    expect(diagnosis.actionResults).toEqual([{ action: 'kms:Decrypt', decision: 'unknown' }]);
    // Only the session policy keeps it from "allowed": a fix's verification can say so.
    expect(diagnosis.unreadSessionPolicy).toBe(session.arn);
    const entry = diagnosis.unverified.find((u) => u.what === `The session policy of ${session.arn}`)!;
    expect(entry.why).toContain('is not the caller');
    expect(entry.howToVerify).toContain('AssumeRole');
    expect(entry.howToVerify).toContain('--error');
  });

  it('is unknown when KMS has no dry run for the action', async () => {
    const diagnosis = await diagnose(readable(answered({ action: 'kms:Decrypt', outcome: 'not-possible', why: 'kms-doctor does not dry-run kms:Decrypt' })));
    expect(diagnosis.verdict).toBe('unknown');
    const withoutIam = await diagnose({ ...readable({ status: 'skipped', why: 'not the caller' }), principalPolicies: { status: 'unreadable', reason: 'access-denied', call: 'iam:ListRolePolicies', message: 'no' } });
    expect(withoutIam.verdict).toBe('unknown');
    // IAM unread too: not the session policy alone.
    expect(withoutIam.unreadSessionPolicy).toBeUndefined();
  });

  it('is allowed when KMS says the dry run would succeed', async () => {
    const diagnosis = await diagnose(readable(answered({ action: 'kms:Decrypt', outcome: 'would-succeed' })));
    expect(diagnosis.verdict).toBe('allowed');
    expect(diagnosis.unverified.map((u) => u.what)).not.toContain(`The session policy of ${session.arn}`);
  });

  it('is allowed when KMS says the dry run would succeed although the session may not read its own IAM policies', async () => {
    const unread = { status: 'unreadable', reason: 'access-denied', call: 'iam:ListRolePolicies', message: 'not authorized' } as const;
    const withoutIam: DiagnosisFacts = { ...readable(), principalPolicies: unread };
    expect((await diagnose(withoutIam)).verdict).toBe('unknown');
    const confirmed = await diagnose({ ...withoutIam, sessionDryRun: answered({ action: 'kms:Decrypt', outcome: 'would-succeed' }) });
    expect(confirmed.verdict).toBe('allowed');
    expect(confirmed.actionResults).toEqual([{ action: 'kms:Decrypt', decision: 'allowed' }]);
  });

  it('is denied by the session policy when KMS refuses the dry run blaming it', async () => {
    const diagnosis = await diagnose(readable(answered({ action: 'kms:Decrypt', outcome: 'denied', message: refusedBy('session policy') })));
    expect(diagnosis.verdict).toBe('denied');
    expect(diagnosis.causes.map((c) => [c.code, c.layer])).toEqual([['session-policy', 'session-policy']]);
    expect(diagnosis.actionResults).toEqual([{ action: 'kms:Decrypt', decision: 'denied' }]);
    expect(diagnosis.causes[0]!.evidence[0]).toMatchObject({ source: `KMS's dry run of kms:Decrypt as ${session.arn}` });
  });

  it('is unknown, stated as a disagreement, when the dry run blames a layer the evaluation read and found allowing', async () => {
    const diagnosis = await diagnose(readable(answered({ action: 'kms:Decrypt', outcome: 'denied', message: refusedBy('identity-based policy') })));
    expect(diagnosis.verdict).toBe('unknown');
    expect(diagnosis.notes.join(' ')).toContain('Reported denied but evaluates allowed');
  });

  it('with AWS\'s error blaming the session policy (--error): unknown when the session could not be dry-run, denied when KMS still refuses it', async () => {
    const withError = (sessionDryRun: DiagnosisFacts['sessionDryRun']): DiagnosisFacts => {
      const facts = readable(sessionDryRun);
      return { ...facts, request: { ...facts.request, reportedError: parseKmsError(refusedBy('session policy'))! } };
    };
    const past = await diagnose(withError({ status: 'skipped', why: 'not the caller' }));
    expect(past.verdict).toBe('unknown');
    expect(past.causes.map((c) => c.code)).toEqual(['session-policy']);
    const now = await diagnose(withError(answered({ action: 'kms:Decrypt', outcome: 'denied', message: refusedBy('session policy') })));
    expect(now.verdict).toBe('denied');
    expect(now.causes.map((c) => c.code)).toEqual(['session-policy']);
    expect(now.actionResults).toEqual([{ action: 'kms:Decrypt', decision: 'denied' }]);
  });

  it('keeps the layer out when the facts carry no dry run at all (facts built by hand)', async () => {
    expect((await diagnose(readable())).verdict).toBe('allowed');
  });
});

describe('a role session the evaluation refuses', () => {
  const refusing = (sessionDryRun: DiagnosisFacts['sessionDryRun']): DiagnosisFacts => ({ ...factsFor({ keyPolicy: policy(rootStatement), policies: [] }), sessionDryRun });

  it('stays denied whether or not the session could be dry-run (a session policy only ever narrows)', async () => {
    expect((await diagnose(refusing({ status: 'skipped', why: 'not the caller' }))).verdict).toBe('denied');
    const both = await diagnose(refusing(answered({ action: 'kms:Decrypt', outcome: 'denied', message: refusedBy('identity-based policy') })));
    expect(both.verdict).toBe('denied');
    expect(both.causes.map((c) => c.layer)).toEqual(['identity-policy']);
  });

  it('is unknown when KMS would let the dry run succeed: never a deny AWS itself contradicts', async () => {
    const diagnosis = await diagnose(refusing(answered({ action: 'kms:Decrypt', outcome: 'would-succeed' })));
    expect(diagnosis.verdict).toBe('unknown');
    expect(diagnosis.unverified.map((u) => u.what)).toContain('Which answer is right: the evaluation or KMS');
  });
});

describe('a role session whose call hangs on a value nobody knows here', () => {
  it('stays unknown when the dry run, which carried only what is known, is refused by that guard', async () => {
    const guard = { Sid: 'FinanceOnly', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'kms:EncryptionContext:dept': 'finance' } } };
    const facts: DiagnosisFacts = {
      ...factsFor({ keyPolicy: policy(rootStatement, guard), policies: [allowDecrypt] }),
      sessionDryRun: answered({
        action: 'kms:Decrypt',
        outcome: 'denied',
        message: `User: ${session.arn} is not authorized to perform: kms:Decrypt on resource: ${keyArn} with an explicit deny in a resource-based policy`,
      }),
    };
    const diagnosis = await diagnose(facts);
    expect(diagnosis.causes.map((c) => c.code)).toContain('condition-unknown');
    expect(diagnosis.verdict).toBe('unknown');
  });
});

describe('a user or a role (no session)', () => {
  it('is unaffected by the rule', async () => {
    const user = { arn: `arn:aws:iam::${account}:user/alice`, entityArn: `arn:aws:iam::${account}:user/alice`, kind: 'user' as const, name: 'alice', accountId: account };
    const facts: DiagnosisFacts = { ...factsFor({ keyPolicy: policy(rootStatement), policies: [allowDecrypt], principal: user }), sessionDryRun: { status: 'skipped', why: 'the caller is not a role session' } };
    expect((await diagnose(facts)).verdict).toBe('allowed');
  });
});
