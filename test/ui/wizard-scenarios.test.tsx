// The whole wizard on every built-in root-cause scenario, with the real actors (AWS SDK → embedded
// sandbox): from the start screen (no credentials: the training scenarios) through every step screen
// to the applied and verified fix. Each screen's conclusion, the diff, and the confirmation naming the
// exact target and account are asserted.
import { afterEach, describe, expect, it } from 'vitest';
import { keys, press, type, waitForFrame } from './ink-helpers.js';
import { cleanupWizards, openScenario, renderWizard } from './wizard-harness.js';

afterEach(cleanupWizards);

const account = '111122223333';
const key = (id: string) => `arn:aws:kms:us-east-1:${account}:key/${id}`;

interface Expected {
  readonly identify: string;
  /** The conclusions of the steps the tree shows from step 2 on: account boundary, key state, key policy, IAM, grants. */
  readonly conclusions: readonly string[];
  /** An unusable key goes straight to the verdict: the conclusions of the steps `c` shows anyway (key policy, IAM). */
  readonly checkRest?: readonly string[];
  readonly cause: string;
  /** What the fix review shows: a line of the diff, or the state change. */
  readonly fix: RegExp;
  readonly kinds: readonly string[];
  readonly target: string;
  readonly verified: string;
}

const scenarios: Record<string, Expected> = {
  'no-iam-delegation': {
    identify: 'AppRole (role in 111122223333) calls kms:Decrypt',
    conclusions: ['Same account (111122223333)', 'The key is enabled', 'The key policy neither names AppRole nor delegates to IAM', 'IAM policies do not count: the key policy neither delegates to IAM nor names AppRole', 'No grant concerns AppRole'],
    cause: 'key-policy-no-iam-delegation',
    fix: /^\+ +"AWS": "arn:aws:iam::111122223333:role\/AppRole"/m,
    kinds: ['put-key-policy'],
    target: key('f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df'),
    verified: 'a dry run as the principal would succeed for kms:Decrypt',
  },
  'missing-kms-actions': {
    identify: 'UploaderRole (role in 111122223333) calls kms:GenerateDataKey + kms:Decrypt',
    conclusions: ['Same account', 'The key is enabled', "The key policy delegates to IAM: UploaderRole's IAM policies decide next", 'No IAM statement of UploaderRole allows kms:GenerateDataKey', 'No grant concerns UploaderRole'],
    cause: 'identity-policy-missing-actions',
    fix: /^\+ +"kms:GenerateDataKey"/m,
    kinds: ['put-role-policy'],
    target: `arn:aws:iam::${account}:role/UploaderRole`,
    verified: 'verified',
  },
  'cross-account-one-side': {
    // The wizard holds the key account's profile, so the key's state is read there.
    identify: 'PartnerRole (role in 444455556666) calls kms:Decrypt',
    conclusions: ['Cross account: the key policy in 111122223333 must allow PartnerRole or account 444455556666', 'The key is enabled', 'The key policy neither names PartnerRole nor trusts account 444455556666', 'IAM policies do not count: the key policy neither delegates to IAM nor names PartnerRole', 'No grant concerns PartnerRole'],
    cause: 'cross-account-key-policy',
    fix: /^\+.*444455556666/m,
    kinds: ['put-key-policy'],
    target: key('56e21f24-7d3f-4d54-9a4b-686456f054a3'),
    verified: 'a dry run as the principal would succeed for kms:Decrypt',
  },
  'key-disabled': {
    identify: 'BatchJobRole (role in 111122223333) calls kms:Encrypt',
    conclusions: ['Same account', 'The key is disabled: KMS refuses every cryptographic operation'],
    checkRest: ['The key policy delegates to IAM', "BatchJobRole's IAM policies allow kms:Encrypt"],
    cause: 'key-disabled',
    fix: /Key state: Disabled → Enabled/,
    kinds: ['enable-key'],
    target: key('e8cc4d9f-b6d5-419b-bc7c-b9d5577b573a'),
    verified: 'a dry run as the principal would succeed for kms:Encrypt',
  },
  'key-pending-deletion': {
    identify: 'payroll-app (user in 111122223333) calls kms:GenerateDataKey',
    conclusions: ['Same account', 'The key is scheduled for deletion'],
    checkRest: ['The key policy delegates to IAM', "payroll-app's IAM policies allow kms:GenerateDataKey"],
    cause: 'key-pending-deletion',
    fix: /Key state: PendingDeletion → Disabled[\s\S]*Key state: Disabled → Enabled/,
    kinds: ['cancel-key-deletion', 'enable-key'],
    target: key('74b7aaa4-9393-4db1-a160-2dfecb4e3e8b'),
    verified: 'a dry run as the principal would succeed for kms:GenerateDataKey',
  },
  'ebs-grant-denied': {
    identify: 'EbsOperatorRole (role in 111122223333) calls kms:CreateGrant',
    conclusions: ['Same account', 'The key is enabled', 'The key policy delegates to IAM', 'No IAM statement of EbsOperatorRole allows kms:CreateGrant', 'ec2:RunInstances makes the service create a grant for EbsOperatorRole'],
    cause: 'grant-creation-denied',
    fix: /^\+ +"kms:GrantIsForAWSResource": "true"/m,
    kinds: ['put-role-policy'],
    target: `arn:aws:iam::${account}:role/EbsOperatorRole`,
    verified: 'verified',
  },
};

/** Frames wrap at 80 columns: compare text with line breaks as spaces. */
const flat = (frame: string) => frame.replace(/\s*\n\s*/g, ' ');

describe('the wizard on every built-in scenario, start to verified fix', () => {
  for (const [scenario, expected] of Object.entries(scenarios)) {
    it(scenario, async () => {
      const { harness } = renderWizard();
      const start = await waitForFrame(harness, 'Training scenarios');
      expect(start).toContain('No AWS credentials were found on this machine');

      const identify = flat(await openScenario(harness, scenario));
      expect(identify).toContain('Who is asking, and for which key?');
      expect(identify).toContain('SANDBOX');
      expect(identify).toContain(expected.identify);
      expect(identify).toContain('$ aws sts get-caller-identity --profile admin');

      const titles = ['Same account, or across accounts?', 'Is the key usable?', 'What does the key policy allow?', 'IAM policies allow?', 'Which grants does the key have?'];
      for (const [index, conclusion] of expected.conclusions.entries()) {
        await press(harness, keys.enter);
        const frame = flat(await waitForFrame(harness, new RegExp(`step ${index + 2}/8[\\s\\S]*See it yourself`)));
        expect(frame).toContain(titles[index]);
        expect(frame).toContain(conclusion);
        expect(frame).toMatch(/\$ aws (sts|kms|iam) /);
      }

      await press(harness, keys.enter);
      if (expected.checkRest) {
        // Straight to the verdict from the unusable key; c shows the key policy and IAM anyway.
        expect(flat(await waitForFrame(harness, 'Enter plan the fix'))).toContain('c the other steps');
        await press(harness, 'c');
        for (const [index, conclusion] of expected.checkRest.entries()) {
          if (index > 0) await press(harness, keys.enter);
          const frame = flat(await waitForFrame(harness, new RegExp(`step ${index + 4}/8[\\s\\S]*See it yourself`)));
          expect(frame).toContain(conclusion);
        }
        await press(harness, keys.enter);
        expect(flat(await waitForFrame(harness, 'Enter plan the fix'))).not.toContain('c the other steps');
      }
      const verdict = flat(await waitForFrame(harness, 'Enter plan the fix'));
      expect(verdict).toContain(`✘ ${expected.cause}`);
      expect(verdict).toContain('Denied by');

      await press(harness, keys.enter);
      const review = await waitForFrame(harness, 'nothing is written until you confirm');
      expect(review).toMatch(expected.fix);
      expect(review).toContain('Backup: the current value is saved under');
      expect(review).toContain('Rollback:');

      await press(harness, keys.enter);
      const confirm = await waitForFrame(harness, 'Type yes to apply');
      expect(confirm).toContain(`account ${account}`);
      expect(confirm).toContain(expected.target);
      for (const kind of expected.kinds) expect(confirm).toContain(`${kind} on`);

      await type(harness, 'yes');
      const finished = flat(await waitForFrame(harness, /Fixed and verified|still denied|Not applied|propagating|stopped/, { timeoutMs: 30_000 }));
      expect(finished).toContain('✔ Fixed and verified');
      expect(finished).toContain(expected.verified);
      expect(finished).toContain('Backups taken before each write');
    });
  }
});
