// `kms-doctor prevent` as a user runs it: the real CLI process, the real SDK over HTTP to the sandbox.
// The commands it prints are run as printed where the sandbox can answer them: the CI step's
// `kms-doctor check`, the tagging command (real aws CLI), and the KMS dry run (its parameters sent as
// the CLI sends them: the installed aws CLI 2.9.19 predates KMS's --dry-run). The sandbox has no
// CloudWatch Logs, so the metric filter and alarm are checked for their content.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aws } from '../helpers/aws-cli.js';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv } from '../helpers/scenario-principals.js';
import { sendSigned } from '../helpers/signed-request.js';

let sandbox: TestSandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

const keyId = 'fb837266-fee2-4efc-a86a-4dde75ace1c2';
const keyArn = `arn:aws:kms:us-east-1:111122223333:key/${keyId}`;

async function prevent(target: TestSandbox, args: readonly string[], profile = 'admin') {
  return runKmsDoctor(['prevent', ...args, '--profile', profile, '--endpoint-url', target.endpoint], cliEnv(target));
}

/** A printed `kms-doctor …` line as argv: prevent prints only shell words that need no quoting here. */
function argvOf(command: string): string[] {
  expect(command).not.toMatch(/['"\\]/);
  const [program, ...args] = command.split(' ');
  expect(program).toBe('kms-doctor');
  return args;
}

/**
 * A printed `aws kms <op> … --dry-run` line as the JSON request the aws CLI sends: flags become the
 * API's parameters (--key-id → KeyId), blobs stay base64 (the CLI's default binary format), --region
 * picks the endpoint and is not a parameter.
 */
function kmsRequestOf(command: string): { target: string; body: Record<string, unknown> } {
  const words = command.split(' ');
  expect(words.slice(0, 2)).toEqual(['aws', 'kms']);
  const pascal = (kebab: string) => kebab.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
  const body: Record<string, unknown> = {};
  for (let i = 3; i < words.length; i += 1) {
    const flag = words[i]!.replace(/^--/, '');
    if (flag === 'dry-run') body.DryRun = true;
    else if (flag === 'region') i += 1;
    else if (flag === 'dry-run-modifiers') body.DryRunModifiers = [words[(i += 1)]];
    else body[pascal(flag)] = words[(i += 1)];
  }
  return { target: `TrentService.${pascal(words[2]!)}`, body };
}

async function sendAs(target: TestSandbox, user: string, request: { target: string; body: Record<string, unknown> }) {
  const response = await sendSigned(target.endpoint, userCredentials(target, user), {
    service: 'kms',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': request.target },
    body: JSON.stringify(request.body),
  });
  return JSON.parse(response.body).__type as string;
}

describe('kms-doctor prevent', () => {
  it('builds the CI step, the denial alarm and the tag advice from the key, and its printed commands run', async () => {
    sandbox = await startTestSandbox('missing-kms-actions');
    const result = await prevent(sandbox, ['--key', 'alias/invoices-s3', '--operation', 's3:PutObject', '--log-group', 'CloudTrail/org-trail', '--json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan).toMatchObject({ keyArn, keyAccount: '111122223333', region: 'us-east-1', callerAccount: '111122223333', operation: 's3:PutObject' });

    // (a) the CI step: check for the operation, and a dry run of the KMS action it needs.
    expect(plan.ciStep.exitCodes.map((e: { code: number }) => e.code)).toEqual([0, 1, 2, 3]);
    expect(plan.ciStep.dryRunAction).toBe('kms:GenerateDataKey');
    expect(plan.ciStep.dryRunNote).toContain('not through s3.us-east-1.amazonaws.com: a key policy that requires kms:ViaService denies it');
    const ci = [...argvOf(plan.ciStep.checkCommand), '--endpoint-url', sandbox.endpoint];
    const allowed = await runKmsDoctor([...ci, '--profile', 'admin'], cliEnv(sandbox));
    expect(allowed.exitCode).toBe(0);
    expect(JSON.parse(allowed.stdout).verdict).toBe('allowed');
    const denied = await runKmsDoctor([...ci, '--profile', 'auditor'], cliEnv(sandbox));
    expect(denied.exitCode).toBe(1);
    expect(JSON.parse(denied.stdout).verdict).toBe('denied');

    const dryRun = kmsRequestOf(plan.ciStep.dryRunCommand);
    expect(dryRun.body).toMatchObject({ KeyId: keyArn, DryRun: true });
    expect(await sendAs(sandbox, 'admin', dryRun)).toBe('DryRunOperationException');
    expect(await sendAs(sandbox, 'auditor', dryRun)).toBe('AccessDeniedException');

    // (b) the alarm, for the log group the user named.
    expect(plan.alarm).toMatchObject({ logGroup: 'CloudTrail/org-trail', logGroupIsPlaceholder: false });
    expect(plan.alarm.filterPattern).toBe('{ ($.eventSource = "kms.amazonaws.com") && ($.errorCode = "AccessDenied*") }');
    expect(plan.alarm.metricFilterCommand).toContain(`--log-group-name CloudTrail/org-trail --filter-name kms-access-denied --filter-pattern '${plan.alarm.filterPattern}'`);
    expect(plan.alarm.alarmCommand).toContain('--metric-name KmsAccessDenied --namespace CloudTrailMetrics');
    expect(plan.alarm.cloudFormation).toContain("LogGroupName: 'CloudTrail/org-trail'");
    expect(plan.alarm.cloudFormation).toContain('Type: AWS::CloudWatch::Alarm');

    // (c) tags: the key has only "bucket"; the printed tag-resource runs as printed, and then none is missing.
    expect(plan.tagging.missing).toEqual(['Owner', 'Application', 'Environment']);
    const tagged = await aws(sandbox, plan.tagging.tagCommand.split(' ').slice(1), { profile: 'admin' });
    expect(tagged.stderr).toBe('');
    expect(tagged.exitCode).toBe(0);
    const again = JSON.parse((await prevent(sandbox, ['--key', keyArn, '--json'])).stdout);
    expect(again.tagging.missing).toEqual([]);
    expect(again.tagging.tagCommand).toBeUndefined();
    expect(again.tagging.recommended[0]).toMatchObject({ key: 'Owner', value: 'OWNER_VALUE' });
    expect(again.ciStep.dryRunAction).toBe('kms:Decrypt');
    expect(await sendAs(sandbox, 'admin', kmsRequestOf(again.ciStep.dryRunCommand))).toBe('DryRunOperationException');
  });

  it('without --log-group, prints a placeholder and says where to find the log group', async () => {
    sandbox = await startTestSandbox('missing-kms-actions');
    const result = await prevent(sandbox, ['--key', keyArn]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--log-group-name CLOUDTRAIL_LOG_GROUP');
    expect(result.stdout).toContain('Replace CLOUDTRAIL_LOG_GROUP with the log group your trail delivers to');
    expect(result.stdout).toContain(`kms-doctor check --key ${keyArn} --operation Decrypt --region us-east-1 --json`);
    expect(result.stdout).toContain('Owner: missing');
    expect(result.stdout).toContain(`aws kms decrypt --key-id ${keyArn} --ciphertext-blob AA== --dry-run --dry-run-modifiers IGNORE_CIPHERTEXT --region us-east-1`);
  });

  it("across accounts, reads the key with --key-profile, and says to give it when the key's account refuses", async () => {
    sandbox = await startTestSandbox('cross-account-one-side');
    const key = sandbox.world.state.training!.call.key;
    const alone = await prevent(sandbox, ['--key', key, '--json'], 'admin-b');
    expect(alone.exitCode).toBe(3);
    // --json: the failure is the JSON error document on stdout too.
    expect(JSON.parse(alone.stdout).error).toMatchObject({ code: 'could-not-determine' });
    expect(alone.stderr.trim().split('\n')).toHaveLength(1);
    expect(alone.stderr).toContain('(the key is in account 111122223333: give --key-profile with credentials there)');

    const both = await prevent(sandbox, ['--key', key, '--key-profile', 'admin', '--json'], 'admin-b');
    expect(both.stderr).toBe('');
    expect(both.exitCode).toBe(0);
    const plan = JSON.parse(both.stdout);
    expect(plan).toMatchObject({ schemaVersion: 1, keyArn: key, keyAccount: '111122223333', callerAccount: '444455556666' });
    expect(plan.tagging.unknownTags).toBeUndefined();
    expect(plan.tagging.missing).toEqual(['Owner', 'Application', 'Environment']);
  });

  it('bad input is one line and exit 2', async () => {
    sandbox = await startTestSandbox('missing-kms-actions');
    const unknownKey = await prevent(sandbox, ['--key', '00000000-0000-0000-0000-000000000000']);
    expect(unknownKey.exitCode).toBe(2);
    expect(unknownKey.stdout).toBe('');
    expect(unknownKey.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknownKey.stderr).toMatch(/^kms-doctor: cannot read key 00000000-0000-0000-0000-000000000000: /);

    const badGroup = await prevent(sandbox, ['--key', keyArn, '--log-group', 'bad group!']);
    expect(badGroup.exitCode).toBe(2);
    expect(badGroup.stderr).toBe("kms-doctor: --log-group 'bad group!' is not a CloudWatch Logs log group name (letters, digits and . - _ / #)\n");

    const noKey = await prevent(sandbox, ['--json']);
    expect(noKey.exitCode).toBe(2);
    expect(noKey.stderr).toBe('kms-doctor: --key is required (key ID, alias name, key ARN or alias ARN)\n');
  });
});

describe('kms-doctor fix, after a verified fix', () => {
  it('ends with one line pointing to kms-doctor prevent for the key, which runs as printed', async () => {
    sandbox = await startTestSandbox('no-iam-delegation');
    const backups = mkdtempSync(join(tmpdir(), 'kms-doctor-backups-'));
    try {
      const args = ['--key', 'alias/orders-data', '--operation', 'Decrypt', '--profile', 'admin', '--endpoint-url', sandbox.endpoint];
      const planned = await runKmsDoctor(['fix', '--dry-run', ...args], cliEnv(sandbox));
      expect(planned.stdout).not.toContain('kms-doctor prevent');

      const fixed = await runKmsDoctor(['fix', '--yes', '--backup-dir', backups, ...args], cliEnv(sandbox));
      expect(fixed.exitCode).toBe(0);
      const lines = fixed.stdout.trimEnd().split('\n');
      const last = lines[lines.length - 1]!;
      expect(last).toMatch(/^Next, prevent the next one: kms-doctor prevent --key arn:aws:kms:us-east-1:\d{12}:key\/\S+$/);
      const printed = argvOf(last.slice(last.indexOf('kms-doctor')));
      const prevented = await runKmsDoctor([...printed, '--profile', 'admin', '--endpoint-url', sandbox.endpoint], cliEnv(sandbox));
      expect(prevented.stderr).toBe('');
      expect(prevented.exitCode).toBe(0);
      expect(prevented.stdout).toContain(`Prevention for ${printed[2]}`);
    } finally {
      rmSync(backups, { recursive: true, force: true });
    }
  });
});
