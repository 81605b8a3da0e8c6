// Fixes for issue 8's causes, from hand-built diagnoses (their detection is the diagnosis's job): each
// gets exact guidance or the request that passes — proved by the evaluation where it is a request
// change — and never a policy change that cannot work or that bypasses a guard.
import { describe, expect, it } from 'vitest';
import { causeCodes, type Cause, type CauseCode, type CauseLayer, type Diagnosis } from '../../src/engine/cause.js';
import { diagnose } from '../../src/engine/diagnose.js';
import type { DiagnosisFacts } from '../../src/engine/facts.js';
import { proposeProvenFixes } from '../../src/engine/fix-proposal.js';
import { proposeFixes } from '../../src/engine/propose-fixes.js';
import { account, factsFor, keyArn, otherAccount, policy, roleIn, rootStatement } from '../helpers/engine-facts.js';

const app = roleIn(account);

function cause(code: CauseCode, layer: CauseLayer, extra: Partial<Cause> = {}): Cause {
  return { code, layer, summary: `The diagnosis found ${code}.`, actions: ['kms:Decrypt'], evidence: [], ...extra };
}

function diagnosisOf(...causes: Cause[]): Diagnosis {
  return {
    verdict: 'denied',
    principal: app.arn,
    key: keyArn,
    operation: 'Decrypt',
    requiredActions: ['kms:Decrypt'],
    actionResults: [{ action: 'kms:Decrypt', decision: 'denied' }],
    causes,
    unverified: [],
    notes: [],
  };
}

const evaluate = (facts: DiagnosisFacts) => diagnose(facts);

describe('grant-constraint-mismatch', () => {
  const grant = { grantId: 'g-finance', granteePrincipal: app.entityArn, operations: ['Decrypt'], constraints: { encryptionContextSubset: { Department: 'Finance' } } };
  const facts = factsFor({ keyPolicy: policy(rootStatement), grants: [grant], encryptionContext: { Department: 'Marketing' } });

  it('sends the context the grant is constrained to, proved by evaluation, and never proposes an IAM allow', async () => {
    const { fixes, notes } = await proposeProvenFixes(facts, diagnosisOf(cause('grant-constraint-mismatch', 'grant')), evaluate);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]!.requestChange).toEqual({ encryptionContext: { Department: 'Finance' } });
    expect(fixes[0]!.steps).toEqual([]);
    expect(fixes[0]!.explanation).toMatch(/never an IAM allow/);
    expect(fixes[0]!.explanation).toContain('aws kms create-grant');
    // The grant itself allows the call once the context matches: nothing else needs changing.
    expect(notes.join('\n')).toMatch(/the evaluation allows kms:Decrypt/);
  });
});

describe('AWS managed keys', () => {
  const managed = factsFor({ keyPolicy: policy(rootStatement), key: { manager: 'AWS' }, aliases: ['alias/aws/s3'] });

  it('direct use: call through the service the alias names, and no IAM fix next to it', () => {
    const fixes = proposeFixes(managed, diagnosisOf(cause('aws-managed-key-direct-use', 'key-policy'), cause('identity-policy-missing-actions', 'identity-policy')));
    expect(fixes[0]!.requestChange).toEqual({ viaService: 's3.us-east-1.amazonaws.com' });
    expect(fixes[0]!.explanation).toMatch(/customer managed key/);
    expect(fixes[1]!.steps).toEqual([]);
    expect(fixes[1]!.blockedBy).toMatch(/AWS managed key/);
  });

  it('across accounts, recognised from the alias alone: no PutKeyPolicy AWS would refuse', () => {
    // DescribeKey is refused across accounts, so the key's manager is unknown; the cause came from the alias.
    const facts = { ...factsFor({ keyPolicy: policy(rootStatement), principal: roleIn(otherAccount) }), key: { status: 'unreadable', reason: 'access-denied', call: 'kms:DescribeKey', message: 'no' } as const };
    const fixes = proposeFixes(facts, diagnosisOf(cause('aws-managed-key-cross-account', 'key-policy'), cause('cross-account-key-policy', 'key-policy'), cause('cross-account-identity-policy', 'identity-policy')));
    expect(fixes[0]!.title).toMatch(/customer managed key/);
    for (const fix of fixes.slice(1)) {
      expect(fix.steps).toEqual([]);
      expect(fix.commands).toEqual([]);
    }
  });
});

describe('operation-not-cross-account', () => {
  it('says where to run it, and blocks the key-policy change that could not make it work', () => {
    const facts = factsFor({ operation: 'DescribeKey', keyPolicy: policy(rootStatement), principal: roleIn(otherAccount) });
    const fixes = proposeFixes(facts, diagnosisOf(cause('operation-not-cross-account', 'request'), cause('cross-account-key-policy', 'key-policy')));
    expect(fixes[0]!.title).toBe(`Run DescribeKey with credentials of account ${account}`);
    expect(fixes[1]!.blockedBy).toMatch(/never allows this operation from another account/);
    expect(fixes[1]!.steps).toEqual([]);
  });
});

describe('exact guidance for every other new cause', () => {
  it('names the SCP and the management account from the evidence', () => {
    const scp = cause('scp', 'scp', {
      evidence: [{ what: 'AWS said', value: 'with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-abc123defg/service_control_policy/p-1a2b3c4d5e' }],
    });
    const [fix] = proposeFixes(factsFor({ keyPolicy: policy(rootStatement) }), diagnosisOf(scp));
    expect(fix!.blockedBy).toContain('p-1a2b3c4d5e');
    expect(fix!.blockedBy).toContain('management account 999988887777');
    expect(fix!.blockedBy).toContain('aws organizations describe-policy --policy-id p-1a2b3c4d5e');
  });

  it('tells a Creating or Updating key to wait, not to reconnect a custom key store', () => {
    for (const state of ['Creating', 'Updating'] as const) {
      const facts = factsFor({ keyPolicy: policy(rootStatement), key: { state } });
      for (const code of ['key-unavailable', 'key-state-transient'] as const) {
        const [fix] = proposeFixes(facts, diagnosisOf(cause(code, 'key-state')));
        expect(fix!.title).toMatch(/^Wait until key 1234abcd is Enabled/);
        expect(JSON.stringify(fix)).not.toMatch(/custom key store/i);
      }
    }
  });

  it('sends the expected condition value, and re-saves a policy naming a deleted principal by its ID', () => {
    const notMet = cause('condition-not-met', 'key-policy', { evidence: [{ what: 'Condition', value: { key: 'kms:EncryptionContext:Team', expected: ['blue'], actual: 'red' } }] });
    const recreated = cause('principal-recreated', 'key-policy', { evidence: [{ what: 'Key policy principal', value: 'AROAEXAMPLEOLDID12345' }] });
    const [condition, principal] = proposeFixes(factsFor({ keyPolicy: policy(rootStatement) }), diagnosisOf(notMet, recreated));
    expect(condition!.requestChange).toEqual({ encryptionContext: { Team: 'blue' } });
    expect(principal!.explanation).toContain('AROAEXAMPLEOLDID12345');
    expect(principal!.explanation).toContain(app.entityArn);
  });

  it('gives every cause code its own words, never the generic "no automatic fix"', () => {
    const facts = factsFor({ keyPolicy: policy(rootStatement) });
    for (const code of causeCodes) {
      const [fix] = proposeFixes(facts, diagnosisOf(cause(code, 'request', code === 'explicit-deny' ? { deniedBy: { layer: 'scp', policyName: 'p-1a2b3c4d5e' } } : {})));
      expect(JSON.stringify(fix), code).not.toContain('has no automatic fix');
    }
  });
});
