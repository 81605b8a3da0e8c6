// The less common paths of planning and applying, on the sandbox: fixes chained on one document, fixes
// that cannot be planned, re-running an applied plan, a change that is not visible in time, and an undo
// that AWS refuses (the report then gives the commands to finish by hand).
import { readFileSync } from 'node:fs';
import { CreatePolicyCommand, ListPolicyVersionsCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { readBackup } from '../../src/apply/backup.js';
import { buildPlan } from '../../src/apply/plan.js';
import { documentsEquivalent } from '../../src/apply/policy-text.js';
import type { TargetStore } from '../../src/apply/target-store.js';
import { AwsCallError } from '../../src/aws/aws-errors.js';
import type { Fix } from '../../src/engine/fix.js';
import { fast, region, startApplySandbox, type ApplySandbox } from './apply-sandbox.js';
import { keyPolicyFix, managedPolicyFix, pretty, rolePolicyFix, withStatements } from './fix-builders.js';

const statement = (sid: string, roleArn: string) => ({ Sid: sid, Effect: 'Allow', Principal: { AWS: roleArn }, Action: ['kms:Decrypt'], Resource: '*' });

let box: ApplySandbox;
beforeAll(async () => {
  box = await startApplySandbox();
});
afterAll(async () => {
  await box?.stop();
});

const apply = async (fixes: Fix[], store: TargetStore = box.store) => {
  const plan = await buildPlan(fixes, box.store, { region });
  return { plan, report: await applyPlan(plan, store, { backupDir: box.backupDir(), visibility: fast }) };
};

describe('planning', () => {
  it('chains fixes on one key policy: the second expects what the first writes', async () => {
    const keyArn = await box.newKey();
    const roleArn = await box.newRole('chained');
    const original = await box.keyPolicy(keyArn);
    const first = withStatements(original, statement('First', roleArn));
    const second = withStatements(first, statement('Second', roleArn));
    const { plan, report } = await apply([keyPolicyFix(keyArn, original, first), keyPolicyFix(keyArn, first, second)]);
    expect(plan.steps.map((s) => [s.id, s.expected])).toEqual([
      [1, { type: 'key-policy', document: original }],
      [2, { type: 'key-policy', document: first }],
    ]);
    expect(report.outcome).toBe('applied');
    expect(documentsEquivalent(await box.keyPolicy(keyArn), second)).toBe(true);
  });

  it('skips blocked fixes, guidance, and a fix that would undo an earlier one on the same document', async () => {
    const keyArn = await box.newKey();
    const roleArn = await box.newRole('skipped');
    const original = await box.keyPolicy(keyArn);
    const blocked: Fix = { ...keyPolicyFix(keyArn, original, original), steps: [], commands: [], blockedBy: 'The key policy would be too large.' };
    const guidance: Fix = { ...keyPolicyFix(keyArn, original, original), steps: [], commands: [] };
    const plan = await buildPlan(
      [blocked, guidance, keyPolicyFix(keyArn, original, withStatements(original, statement('A', roleArn))), keyPolicyFix(keyArn, original, withStatements(original, statement('B', roleArn)))],
      box.store,
      { region },
    );
    expect(plan.steps).toHaveLength(1);
    expect(plan.skipped.map((s) => [s.fixIndex, s.reason])).toEqual([
      [0, 'The key policy would be too large.'],
      [1, 'This fix is guidance only: it has no change kms-doctor can make.'],
      [3, expect.stringContaining('computed from another version of the key policy than step 1 leaves')],
    ]);
    expect(plan.applierArn).toBe('arn:aws:iam::111122223333:user/admin');
  });

  it('skips a managed-policy fix whose versions cannot be listed, saying why', async () => {
    const arn = 'arn:aws:iam::111122223333:policy/unreadable';
    const denied: TargetStore = {
      ...box.store,
      listPolicyVersions: async () => {
        throw new AwsCallError({ kind: 'access-denied', code: 'AccessDenied', call: 'iam:ListPolicyVersions', message: 'not authorized to perform: iam:ListPolicyVersions' });
      },
    };
    const doc = pretty({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] });
    const plan = await buildPlan([managedPolicyFix(arn, doc, doc)], denied, { region });
    expect(plan.steps).toEqual([]);
    expect(plan.skipped[0]!.reason).toBe(`kms-doctor could not list the versions of policy ${arn} (not authorized to perform: iam:ListPolicyVersions), which it needs to plan this change.`);
  });

  it('chains two new versions of one managed policy', async () => {
    const keyArn = await box.newKey();
    const v1 = pretty({ Version: '2012-10-17', Statement: [{ Sid: 'S3', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const arn = (await box.iam.send(new CreatePolicyCommand({ PolicyName: 'chained-versions', PolicyDocument: v1 }))).Policy!.Arn!;
    const v2 = withStatements(v1, { Sid: 'Decrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn });
    const v3 = withStatements(v2, { Sid: 'Encrypt', Effect: 'Allow', Action: 'kms:Encrypt', Resource: keyArn });
    const { plan, report } = await apply([managedPolicyFix(arn, v1, v2), managedPolicyFix(arn, v2, v3)]);
    expect(plan.steps.map((s) => s.expected)).toEqual([
      { type: 'managed-policy', document: v1, defaultVersion: { id: 'v1' } },
      { type: 'managed-policy', document: v2, defaultVersion: { createdByStep: 1 } },
    ]);
    expect(report.outcome).toBe('applied');
    const versions = (await box.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!;
    expect(versions.find((v) => v.IsDefaultVersion)?.VersionId).toBe('v3');
  });
});

describe('applying', () => {
  it('writes nothing when the plan was applied already', async () => {
    const keyArn = await box.newKey();
    const roleArn = await box.newRole('twice');
    const original = await box.keyPolicy(keyArn);
    const fixes = [keyPolicyFix(keyArn, original, withStatements(original, statement('Once', roleArn))), rolePolicyFix(roleArn, 'kms-doctor-key', '', pretty({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }] }))];
    expect((await apply(fixes)).report.outcome).toBe('applied');
    const again = await apply(fixes);
    expect(again.report.outcome).toBe('applied');
    expect(again.report.steps.map((s) => [s.status, s.backupPath])).toEqual([
      ['skipped', undefined],
      ['skipped', undefined],
    ]);
    expect(again.report.message).toContain('2 steps were already in place');
  });

  it('reports a write that is not visible in time as applied, propagation pending', async () => {
    const keyArn = await box.newKey();
    const roleArn = await box.newRole('lagging');
    const original = await box.keyPolicy(keyArn);
    let written = false;
    // Every read after the write still shows the old policy, as a lagging replica would.
    const lagging: TargetStore = {
      ...box.store,
      putKeyPolicy: async (arn, policy) => {
        await box.store.putKeyPolicy(arn, policy);
        written = true;
      },
      readKeyPolicy: async (arn) => (written ? original : box.store.readKeyPolicy(arn)),
    };
    const { report } = await apply([keyPolicyFix(keyArn, original, withStatements(original, statement('Slow', roleArn)))], lagging);
    expect(report.outcome).toBe('applied-pending');
    expect(report.steps[0]).toMatchObject({ status: 'applied-pending', note: expect.stringContaining('not yet seen') });
    expect(report.rolledBack).toEqual([]);
  });

  it('gives the exact commands to finish by hand when an undo is refused', async () => {
    const keyArn = await box.newKey();
    const original = await box.keyPolicy(keyArn);
    const roleArn = await box.roleTheApplierCannotChange('undo-refused');
    let puts = 0;
    const refusingUndo: TargetStore = {
      ...box.store,
      putKeyPolicy: async (arn, policy) => {
        puts += 1;
        if (puts > 1) throw new AwsCallError({ kind: 'throttled', code: 'ThrottlingException', call: 'kms:PutKeyPolicy', message: 'Rate exceeded' });
        await box.store.putKeyPolicy(arn, policy);
      },
    };
    const fixed = withStatements(original, statement('Stuck', roleArn));
    const { report } = await apply([keyPolicyFix(keyArn, original, fixed), rolePolicyFix(roleArn, 'kms-doctor-key', '', pretty({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }] }))], refusingUndo);
    expect(report.outcome).toBe('rollback-incomplete');
    expect(report.steps[0]).toMatchObject({ status: 'applied', error: expect.stringContaining('could not be undone: Rate exceeded') });
    const backup = await readBackup(report.steps[0]!.backupPath!);
    expect(report.manualRollback).toEqual([backup.restoreCommand]);
    expect(backup.restoreCommand).toBe(`aws kms put-key-policy --key-id ${keyArn} --policy-name default --policy file://${backup.documentFile} --region us-east-1`);
    expect(readFileSync(backup.documentFile!, 'utf8')).toBe(original);
    expect(report.message).toMatch(/Step 1 could not be undone: run the commands under manualRollback/);
    expect(documentsEquivalent(await box.keyPolicy(keyArn), fixed)).toBe(true);
  });

  it('drops a manual command made obsolete when an earlier step on the same policy is undone after all', async () => {
    const keyArn = await box.newKey();
    const original = await box.keyPolicy(keyArn);
    const roleArn = await box.roleTheApplierCannotChange('undo-superseded');
    const first = withStatements(original, statement('First', roleArn));
    const second = withStatements(first, statement('Second', roleArn));
    let puts = 0;
    // Writes 1 and 2 are the steps; write 3, the undo of step 2, is refused; write 4, the undo of step 1, works.
    const flaky: TargetStore = {
      ...box.store,
      putKeyPolicy: async (arn, policy) => {
        puts += 1;
        if (puts === 3) throw new AwsCallError({ kind: 'throttled', code: 'ThrottlingException', call: 'kms:PutKeyPolicy', message: 'Rate exceeded' });
        await box.store.putKeyPolicy(arn, policy);
      },
    };
    const inlinePolicy = pretty({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn }] });
    const { report } = await apply([keyPolicyFix(keyArn, original, first), keyPolicyFix(keyArn, first, second), rolePolicyFix(roleArn, 'kms-doctor-key', '', inlinePolicy)], flaky);
    expect(report.outcome).toBe('rolled-back');
    expect(report.manualRollback).toEqual([]);
    expect(report.steps.map((s) => s.status)).toEqual(['rolled-back', 'rolled-back', 'failed']);
    expect(report.steps[1]!.note).toContain('undoing step 1 put back the value from before both');
    expect(documentsEquivalent(await box.keyPolicy(keyArn), original)).toBe(true);
  });
});
