// applyPlan and restoreBackup against a real sandbox, through the real SDK-backed store: all-or-nothing
// plans, stale plans, refused lockouts, interruption between steps, restores, and IAM's five-version
// limit. Each test builds its own keys, roles and policies as the sandbox's administrator.
import { readdirSync } from 'node:fs';
import { CreatePolicyCommand, CreatePolicyVersionCommand, CreateUserCommand, ListPolicyVersionsCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, DisableKeyCommand, ListGrantsCommand, PutKeyPolicyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyEvent } from '../../src/apply/apply-plan.js';
import { undoStepsOf } from '../../src/apply/apply-report.js';
import { readBackup } from '../../src/apply/backup.js';
import { buildPlan } from '../../src/apply/plan.js';
import { documentsEquivalent } from '../../src/apply/policy-text.js';
import { restoreBackup } from '../../src/apply/restore-backup.js';
import type { DiagnosisRequest } from '../../src/engine/facts.js';
import type { Fix } from '../../src/engine/fix.js';
import { findOperation } from '../../src/engine/operations.js';
import { applyRemediation } from '../../src/live/remediate.js';
import { runDiagnosis } from '../../src/live/run-diagnosis.js';
import { keyRef, principalRef } from '../helpers/parsed-input.js';
import { account, adminArn as admin, fast, region, startApplySandbox, type ApplySandbox } from './apply-sandbox.js';
import { cancelDeletionFix, enableKeyFix, grantFix, keyPolicyFix, managedPolicyFix, pretty, rolePolicyFix, withStatements } from './fix-builders.js';

const decryptFor = (roleArn: string, sid = 'AllowAppRoleUseOfKey') => ({ Sid: sid, Effect: 'Allow', Principal: { AWS: roleArn }, Action: ['kms:Decrypt'], Resource: '*' });
const inline = (keyArn: string) => pretty({ Version: '2012-10-17', Statement: [{ Sid: 'AllowUseOfKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: keyArn }] });

let box: ApplySandbox;
beforeAll(async () => {
  box = await startApplySandbox();
});
afterAll(async () => {
  await box?.stop();
});

const newKey = (policy?: string) => box.newKey(policy);
const keyPolicy = (keyArn: string) => box.keyPolicy(keyArn);
const newRole = (name: string) => box.newRole(name);
const rolePolicy = (roleArn: string, name: string) => box.rolePolicy(roleArn, name);
const roleTheApplierCannotChange = (name: string) => box.roleTheApplierCannotChange(name);
const backupDir = () => box.backupDir();
const keyState = async (keyArn: string) => (await box.kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata!;

async function plannedAndApplied(fixes: Fix[], options: { signal?: AbortSignal; onProgress?: (event: ApplyEvent) => void } = {}) {
  const plan = await buildPlan(fixes, box.store, { region });
  const dir = backupDir();
  const report = await applyPlan(plan, box.store, { backupDir: dir, visibility: fast, ...options });
  return { plan, report, dir };
}

describe('applyPlan on the sandbox', () => {
  it('undoes the key policy change when the second write is denied, and says so', async () => {
    const keyArn = await newKey();
    const original = await keyPolicy(keyArn);
    const roleArn = await roleTheApplierCannotChange('app-denied');
    const { plan, report } = await plannedAndApplied([
      keyPolicyFix(keyArn, original, withStatements(original, decryptFor(roleArn))),
      rolePolicyFix(roleArn, 'kms-doctor-key', '', inline(keyArn)),
    ]);
    expect(plan.steps.map((s) => s.kind)).toEqual(['put-key-policy', 'put-role-policy']);
    expect(plan.steps[0]).toMatchObject({ target: { arn: keyArn, accountId: account, region, policyName: 'default' }, expected: { type: 'key-policy', document: original } });
    expect(report.outcome).toBe('rolled-back');
    expect(report.steps[0]).toMatchObject({ id: 1, status: 'rolled-back' });
    expect(report.steps[0]!.backupPath).toBeDefined();
    expect(report.steps[1]).toMatchObject({ id: 2, status: 'failed' });
    expect(report.steps[1]!.error).toMatch(/iam:PutRolePolicy/);
    expect(report.rolledBack).toEqual([expect.objectContaining({ stepId: 1, description: expect.stringContaining('previous key policy') })]);
    expect(report.manualRollback).toEqual([]);
    expect(report.message).toMatch(/Step 2 failed: .*The earlier step was undone \(1\)/);
    expect(documentsEquivalent(await keyPolicy(keyArn), original)).toBe(true);
    expect(await rolePolicy(roleArn, 'kms-doctor-key')).toBeUndefined();
  });

  it('detects a change made between plan and apply, and writes nothing', async () => {
    const keyArn = await newKey();
    const original = await keyPolicy(keyArn);
    const roleArn = await newRole('app-stale');
    const plan = await buildPlan([keyPolicyFix(keyArn, original, withStatements(original, decryptFor(roleArn)))], box.store, { region });
    const concurrent = withStatements(original, decryptFor(roleArn, 'AllowX'));
    await box.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: concurrent }));
    const dir = backupDir();
    const report = await applyPlan(plan, box.store, { backupDir: dir, visibility: fast });
    expect(report.outcome).toBe('stale');
    expect(report.steps[0]).toMatchObject({ status: 'failed' });
    expect(report.message).toContain(`the key policy of ${keyArn} changed since the plan was made: statement AllowX was added`);
    expect(await keyPolicy(keyArn)).toBe(concurrent);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a plan that would lock the applier out, before any write', async () => {
    const keyAdmin = { Sid: 'KeyAdmin', Effect: 'Allow', Principal: { AWS: admin }, Action: 'kms:*', Resource: '*' };
    const original = pretty({ Version: '2012-10-17', Statement: [keyAdmin] });
    const keyArn = await newKey(original);
    const lockedOut = pretty({ Version: '2012-10-17', Statement: [{ ...keyAdmin, Action: ['kms:Describe*', 'kms:Get*'] }] });
    const { report, dir } = await plannedAndApplied([keyPolicyFix(keyArn, original, lockedOut)]);
    expect(report.outcome).toBe('refused');
    expect(report.steps[0]!.error).toMatch(/no longer let .*admin.* call kms:PutKeyPolicy/);
    expect(await keyPolicy(keyArn)).toBe(original);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a later step that drops the account-root statement, and undoes the steps before it', async () => {
    const keyArn = await newKey();
    const original = await keyPolicy(keyArn);
    const roleArn = await newRole('app-root');
    const withoutRoot = pretty({ Version: '2012-10-17', Statement: [decryptFor(roleArn), { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: admin }, Action: 'kms:*', Resource: '*' }] });
    const { report } = await plannedAndApplied([rolePolicyFix(roleArn, 'kms-doctor-key', '', inline(keyArn)), keyPolicyFix(keyArn, original, withoutRoot)]);
    expect(report.outcome).toBe('refused');
    expect(report.steps.map((s) => s.status)).toEqual(['rolled-back', 'failed']);
    expect(report.steps[1]!.error).toContain('Enable IAM User Permissions');
    expect(report.rolledBack[0]!.description).toMatch(/Deleted the inline policy kms-doctor-key of role app-root, which did not exist before/);
    expect(await rolePolicy(roleArn, 'kms-doctor-key')).toBeUndefined();
    expect(await keyPolicy(keyArn)).toBe(original);
  });

  it('stops at the next step boundary when interrupted, and undoes what was applied', async () => {
    const keyArn = await newKey();
    const original = await keyPolicy(keyArn);
    const roleArn = await newRole('app-abort');
    const controller = new AbortController();
    const events: ApplyEvent[] = [];
    const { report } = await plannedAndApplied([keyPolicyFix(keyArn, original, withStatements(original, decryptFor(roleArn))), rolePolicyFix(roleArn, 'kms-doctor-key', '', inline(keyArn))], {
      signal: controller.signal,
      onProgress: (event) => {
        events.push(event);
        if (event.type === 'step-finished' && event.stepId === 1) controller.abort();
      },
    });
    expect(report.outcome).toBe('cancelled');
    expect(report.steps.map((s) => s.status)).toEqual(['rolled-back', 'not-run']);
    expect(report.message).toBe('Interrupted before step 2. The applied steps were undone (1).');
    // The backup was announced before the write.
    expect(events.map((e) => e.type).slice(0, 4)).toEqual(['step-started', 'backed-up', 'written', 'step-finished']);
    expect(documentsEquivalent(await keyPolicy(keyArn), original)).toBe(true);
    expect(await rolePolicy(roleArn, 'kms-doctor-key')).toBeUndefined();
  });
});

describe('restoreBackup on the sandbox', () => {
  it('gives the key its original policy back, and can itself be undone', async () => {
    const keyArn = await newKey();
    const original = await keyPolicy(keyArn);
    const roleArn = await newRole('app-restore');
    const fixed = withStatements(original, decryptFor(roleArn));
    const events: ApplyEvent[] = [];
    const { report, dir } = await plannedAndApplied([keyPolicyFix(keyArn, original, fixed)], { onProgress: (event) => events.push(event) });
    expect(report.outcome).toBe('applied');
    expect(documentsEquivalent(await keyPolicy(keyArn), fixed)).toBe(true);
    // The undo names the key it acts on, so its credentials (--key-profile across accounts) are chosen without reading the command.
    expect(undoStepsOf(report)).toEqual([{ command: report.steps[0]!.restoreCommand, targetArn: keyArn }]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'backed-up', restoreTarget: keyArn }));

    const backup = await readBackup(report.steps[0]!.backupPath!);
    expect(backup.document).toBe(original);
    const restored = await restoreBackup(backup, box.store, { backupDir: dir, visibility: fast });
    expect(restored.outcome).toBe('restored');
    expect(documentsEquivalent(await keyPolicy(keyArn), original)).toBe(true);

    const again = await restoreBackup(backup, box.store, { backupDir: dir, visibility: fast });
    expect(again.outcome).toBe('already-restored');
    const undo = await restoreBackup(await readBackup(restored.backupPath!), box.store, { backupDir: dir, visibility: fast });
    expect(undo.outcome).toBe('restored');
    expect(documentsEquivalent(await keyPolicy(keyArn), fixed)).toBe(true);
  });

  it('refuses to restore over a change made after kms-doctor wrote, unless forced', async () => {
    const keyArn = await newKey();
    const original = await keyPolicy(keyArn);
    const roleArn = await newRole('app-restore-stale');
    const { report, dir } = await plannedAndApplied([keyPolicyFix(keyArn, original, withStatements(original, decryptFor(roleArn)))]);
    const later = withStatements(await keyPolicy(keyArn), decryptFor(roleArn, 'AddedLater'));
    await box.kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: later }));
    const backup = await readBackup(report.steps[0]!.backupPath!);
    const stale = await restoreBackup(backup, box.store, { backupDir: dir, visibility: fast });
    expect(stale.outcome).toBe('stale');
    expect(stale.message).toContain('statement AddedLater was added');
    expect(await keyPolicy(keyArn)).toBe(later);
    const forced = await restoreBackup(backup, box.store, { backupDir: dir, visibility: fast, force: true });
    expect(forced.outcome).toBe('restored');
    expect(documentsEquivalent(await keyPolicy(keyArn), original)).toBe(true);
  });
});

describe('managed policies and key states on the sandbox', () => {
  async function policyWithFiveVersions(name: string): Promise<{ arn: string; documents: string[] }> {
    const documents = [1, 2, 3, 4, 5].map((n) => pretty({ Version: '2012-10-17', Statement: [{ Sid: `V${n}`, Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${n}/*` }] }));
    const arn = (await box.iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: documents[0] }))).Policy!.Arn!;
    for (const document of documents.slice(1)) await box.iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: document, SetAsDefault: true }));
    return { arn, documents };
  }
  const versionsOf = async (arn: string) => (await box.iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!.map((v) => `${v.VersionId}${v.IsDefaultVersion ? '*' : ''}`).sort();

  it('deletes the oldest non-default version first, as a visible step, when the policy has five', async () => {
    const keyArn = await newKey();
    const { arn, documents } = await policyWithFiveVersions('five-versions');
    const after = withStatements(documents[4]!, { Sid: 'AllowUseOfKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn });
    const { plan, report } = await plannedAndApplied([managedPolicyFix(arn, documents[4]!, after)]);
    expect(plan.steps.map((s) => s.kind)).toEqual(['delete-policy-version', 'create-policy-version']);
    expect(plan.steps[0]).toMatchObject({ title: expect.stringContaining('Delete version v1'), expected: { type: 'policy-version', versionId: 'v1', document: documents[0] } });
    expect(plan.steps[1]).toMatchObject({ expected: { type: 'managed-policy', defaultVersion: { id: 'v5' } } });
    expect(report.outcome).toBe('applied');
    expect(report.steps[1]!.versionId).toBe('v6');
    expect(await versionsOf(arn)).toEqual(['v2', 'v3', 'v4', 'v5', 'v6*']);
    expect((await readBackup(report.steps[0]!.backupPath!)).document).toBe(documents[0]);
  });

  it('undoes a new version and a deleted version: the default goes back, the deleted document returns under a new ID', async () => {
    const keyArn = await newKey();
    const { arn, documents } = await policyWithFiveVersions('five-versions-undo');
    const roleArn = await roleTheApplierCannotChange('app-versions');
    const after = withStatements(documents[4]!, { Sid: 'AllowUseOfKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn });
    const { report } = await plannedAndApplied([managedPolicyFix(arn, documents[4]!, after), rolePolicyFix(roleArn, 'kms-doctor-key', '', inline(keyArn))]);
    expect(report.outcome).toBe('rolled-back');
    expect(report.rolledBack.map((r) => r.stepId)).toEqual([2, 1]);
    expect(report.rolledBack[1]!.note).toMatch(/new version ID: v7 \(it was v1\)/);
    expect(await versionsOf(arn)).toEqual(['v2', 'v3', 'v4', 'v5*', 'v7']);
  });

  it('undoes enabling keys, cancelling a deletion and creating a grant', async () => {
    const disabled = await newKey();
    await box.kms.send(new DisableKeyCommand({ KeyId: disabled }));
    const doomed = await newKey();
    await box.kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed, PendingWindowInDays: 7 }));
    const granted = await newKey();
    const roleArn = await roleTheApplierCannotChange('app-states');
    const { plan, report } = await plannedAndApplied([
      grantFix(granted, roleArn),
      enableKeyFix(disabled),
      cancelDeletionFix(doomed),
      rolePolicyFix(roleArn, 'kms-doctor-key', '', inline(granted)),
    ]);
    expect(plan.steps.map((s) => s.kind)).toEqual(['create-grant', 'enable-key', 'cancel-key-deletion', 'enable-key', 'put-role-policy']);
    expect(plan.steps[3]!.expected).toEqual({ type: 'key-state', state: 'Disabled' });
    expect(report.outcome).toBe('rolled-back');
    expect(report.steps[0]!.grantId).toBeDefined();
    expect(report.rolledBack.map((r) => r.stepId)).toEqual([4, 3, 2, 1]);
    expect(report.rolledBack.find((r) => r.stepId === 3)!.note).toMatch(/deletion date moved/);
    expect((await keyState(disabled)).KeyState).toBe('Disabled');
    expect((await keyState(doomed)).KeyState).toBe('PendingDeletion');
    expect((await box.kms.send(new ListGrantsCommand({ KeyId: granted }))).Grants ?? []).toEqual([]);
  });
});

describe('verification after a fix that created a grant', () => {
  it("passes the new grant's token and counts the grant as held: allowed at once, where a grant seconds old is otherwise in doubt", async () => {
    const keyArn = await newKey();
    const userName = 'grant-verify-reader';
    await box.iam.send(new CreateUserCommand({ UserName: userName }));
    const userArn = `arn:aws:iam::${account}:user/${userName}`;
    const request: DiagnosisRequest = { operation: findOperation('Decrypt')!, key: keyRef(keyArn), region, principal: principalRef(userArn) };
    const plan = await buildPlan([grantFix(keyArn, userArn)], box.store, { region });
    const outcome = await applyRemediation(box.session, plan, request, { backupDir: backupDir(), visibility: fast, verification: { attempts: 1, intervalMs: 5 } });
    expect(outcome.report.outcome).toBe('applied');
    expect(outcome.verification?.diagnosis.verdict).toBe('allowed');
    expect(outcome.verification?.outcome).toBe('verified');
    // A caller who does not pass the token: the same grant, seconds old, may not be in effect yet.
    const without = await runDiagnosis(box.session, request);
    expect(without.diagnosis.verdict).toBe('unknown');
    expect(without.diagnosis.causes.map((c) => c.code)).toEqual(['grant-recently-created']);
  });
});
