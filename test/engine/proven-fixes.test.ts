// Fixes proved by evaluation (issue 8, items 3 and 4): from hand-built facts, the real diagnosis finds
// the causes; the proposal keeps only the fixes the request needs (dropping any kept one leaves it
// refused, applying them all allows it), and each fix's blast radius names what it newly allows.
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/engine/diagnose.js';
import type { DiagnosisFacts } from '../../src/engine/facts.js';
import { factsAfterFixes } from '../../src/engine/fix-effects.js';
import { proposeProvenFixes } from '../../src/engine/fix-proposal.js';
import type { Fix } from '../../src/engine/fix.js';
import { account, adminStatement, factsFor, inline, keyArn, otherAccount, policy, roleIn, rootStatement } from '../helpers/engine-facts.js';

const evaluate = (facts: DiagnosisFacts) => diagnose(facts);

async function proposal(facts: DiagnosisFacts) {
  const diagnosis = await diagnose(facts);
  return { diagnosis, ...(await proposeProvenFixes(facts, diagnosis, evaluate)) };
}

/** The proof itself, independent of how the proposal was reached: all fixes allow, and each one is needed. */
async function expectMinimalAndSufficient(facts: DiagnosisFacts, fixes: readonly Fix[]) {
  const acting = fixes.filter((f) => f.blockedBy === undefined && (f.steps.length > 0 || f.requestChange !== undefined));
  expect((await evaluate(factsAfterFixes(facts, acting))).verdict).toBe('allowed');
  for (const dropped of acting) {
    expect((await evaluate(factsAfterFixes(facts, acting.filter((f) => f !== dropped)))).verdict, `without ${dropped.title}`).not.toBe('allowed');
  }
}

describe('least privilege, proven by evaluation', () => {
  it('proposes only the key-policy statement when it is enough by itself, not also an IAM policy', async () => {
    // The key policy neither delegates to IAM nor names App, and App has no IAM policy: two causes.
    const facts = factsFor({ keyPolicy: policy(adminStatement) });
    const { diagnosis, fixes, notes } = await proposal(facts);
    expect(diagnosis.causes.map((c) => c.code)).toEqual(['key-policy-no-iam-delegation', 'identity-policy-missing-actions']);
    expect(fixes.map((f) => f.target.type)).toEqual(['key-policy']);
    expect(notes.join('\n')).toMatch(/No separate fix for identity-policy-missing-actions/);
    expect(notes.join('\n')).toMatch(/the evaluation allows kms:Decrypt/);
    await expectMinimalAndSufficient(facts, fixes);
  });

  it('keeps both sides across accounts, where each alone leaves the call refused', async () => {
    const facts = factsFor({ keyPolicy: policy(rootStatement), principal: roleIn(otherAccount) });
    const { fixes } = await proposal(facts);
    expect(fixes.map((f) => `${f.cause}:${f.target.type}`)).toEqual(['cross-account-key-policy:key-policy', 'cross-account-identity-policy:identity-policy']);
    await expectMinimalAndSufficient(facts, fixes);
  });

  it('keeps the IAM fix when the key policy delegates to IAM (the key policy needs no change)', async () => {
    const facts = factsFor({ keyPolicy: policy(rootStatement, adminStatement) });
    const { fixes } = await proposal(facts);
    expect(fixes.map((f) => f.cause)).toEqual(['identity-policy-missing-actions']);
    await expectMinimalAndSufficient(facts, fixes);
  });
});

describe('blast radius', () => {
  it('is empty for a key-policy statement naming only the principal, for exactly the missing action', async () => {
    const { fixes } = await proposal(factsFor({ keyPolicy: policy(adminStatement) }));
    expect(fixes[0]!.newlyAllows).toEqual([]);
  });

  it('names every other principal a Deny narrowed for everyone lets in', async () => {
    const keyPolicy = policy(rootStatement, adminStatement, { Sid: 'NoDecryptForAnyone', Effect: 'Deny', Principal: '*', Action: ['kms:Decrypt', 'kms:ScheduleKeyDeletion'], Resource: '*' });
    const facts = factsFor({ keyPolicy, policies: [inline('use', policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }))] });
    const { fixes } = await proposal(facts);
    const narrowing = [fixes[0]!, ...(fixes[0]!.alternatives ?? [])].find((f) => /Narrow the Deny/.test(f.title))!;
    expect(narrowing.newlyAllows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ probe: 'other-principal', action: 'kms:Decrypt', principal: `arn:aws:iam::${account}:role/kms-doctor-probe-other-principal` }),
      ]),
    );
    // The request's own principal and action are the point of the fix, not its blast radius.
    expect(narrowing.newlyAllows!.some((n) => n.principal === roleIn(account).entityArn && n.action === 'kms:Decrypt')).toBe(false);
  });
});

describe('a Deny that guards an encryption context', () => {
  const requireFinance = {
    Sid: 'RequireFinanceContext',
    Effect: 'Deny',
    Principal: '*',
    Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
    Resource: '*',
    Condition: { StringNotEquals: { 'kms:EncryptionContext:Department': 'Finance' } },
  };
  const world = (encryptionContext?: Record<string, string>) =>
    factsFor({
      keyPolicy: policy(rootStatement, adminStatement, requireFinance),
      policies: [inline('use', policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }))],
      ...(encryptionContext ? { encryptionContext } : {}),
    });

  it('is answered first by sending the context it requires, which weakens nothing and makes the call allowed', async () => {
    const facts = world({ Department: 'Marketing' });
    const { diagnosis, fixes } = await proposal(facts);
    expect(diagnosis.causes.map((c) => c.code)).toEqual(['explicit-deny']);
    const [lead] = fixes;
    expect(lead!.requestChange).toEqual({ encryptionContext: { Department: 'Finance' } });
    expect(lead!.steps).toEqual([]);
    expect(lead!.newlyAllows).toEqual([]);
    expect(lead!.explanation).toMatch(/--encryption-context Department=Finance/);
    await expectMinimalAndSufficient(facts, fixes);
  });

  it('offers the exception for this principal before narrowing the Deny for everyone, and each says what it lets in', async () => {
    const { fixes } = await proposal(world({ Department: 'Marketing' }));
    const [exception, narrowing] = fixes[0]!.alternatives!;
    expect(exception!.title).toMatch(/^Except arn:aws:iam::111122223333:role\/App from the Deny "RequireFinanceContext"/);
    // The exception lets App decrypt with any context: that is its blast radius, and nobody else gains.
    expect(exception!.newlyAllows!.map((n) => `${n.probe}:${n.action}`)).toEqual(['other-encryption-context:kms:Decrypt']);
    // Narrowing lets every principal the key policy allows (through IAM) decrypt with any context.
    expect(narrowing!.title).toMatch(/^Narrow the Deny/);
    expect(narrowing!.newlyAllows!.map((n) => n.probe)).toEqual(expect.arrayContaining(['other-principal', 'other-encryption-context']));
    for (const alternative of [exception!, narrowing!]) {
      expect((await evaluate(factsAfterFixes(world({ Department: 'Marketing' }), [alternative]))).verdict).toBe('allowed');
    }
  });
});

describe('a data-perimeter Deny', () => {
  it('is answered first by calling from inside the perimeter, with the policy changes only as alternatives', async () => {
    const perimeter = { Sid: 'OnlyFromOurEndpoint', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0abc' } } };
    const world = factsFor({ keyPolicy: policy(rootStatement, adminStatement, perimeter), policies: [inline('use', policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }))] });
    // Nobody here knows the endpoint the call comes through: that is condition-unknown, never an explicit deny.
    expect((await proposal(world)).diagnosis.causes.map((c) => c.code)).toEqual(['condition-unknown']);
    // Known to come from elsewhere (--context aws:SourceVpce=…), the Deny refuses it; the fix must not weaken the perimeter by default.
    const facts = { ...world, request: { ...world.request, givenContext: { 'aws:SourceVpce': 'vpce-0other' } } };
    const { diagnosis, fixes } = await proposal(facts);
    expect(diagnosis.causes.map((c) => c.code)).toEqual(['explicit-deny']);
    const lead = fixes[0]!;
    expect(lead.steps).toEqual([]);
    expect(lead.explanation).toMatch(/through the VPC endpoint vpce-0abc/);
    // kms:* cannot be narrowed exactly, so the exception for App is the one change offered.
    expect(lead.alternatives!.map((a) => a.title)).toEqual([expect.stringMatching(/^Except arn:aws:iam::111122223333:role\/App/)]);
  });
});

describe('the exception for one principal', () => {
  it('joins an exception list the Deny already has, instead of adding a second condition', async () => {
    const { exceptPrincipal } = await import('../../src/engine/fixes/deny-narrowing.js');
    const admins = { Sid: 'OnlyAdmins', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Admin' } } };
    const result = exceptPrincipal(policy(rootStatement, admins), { statementId: 'OnlyAdmins', statementIndex: 1 }, roleIn(account).entityArn);
    expect(result.ok && (result.after as { Statement: object[] }).Statement[1]).toEqual({
      ...admins,
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111122223333:role/Admin', roleIn(account).entityArn] } },
    });
    const again = exceptPrincipal(result.ok ? result.after : undefined, { statementId: 'OnlyAdmins' }, roleIn(account).entityArn);
    expect(again).toEqual({ ok: false, reason: `The Deny already excepts ${roleIn(account).entityArn}.` });
  });
});
