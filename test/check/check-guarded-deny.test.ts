// Guarded denies and blast radius, against the sandbox, built with the real aws CLI as a user would
// build them: `check` offers the request the Deny lets through first (nothing weakened), the exception
// for this principal only as an alternative, and each with what it newly allows; applied by its printed
// aws commands, the exception lets the principal in while other principals and other accounts stay
// denied. `fix --yes` refuses a plan with a blast radius until --accept-blast-radius acknowledges it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, awsCliPath, type CliOptions } from '../helpers/aws-cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv } from '../helpers/scenario-principals.js';

const accountA = '111122223333';
let sandbox: TestSandbox;
const workDirs: string[] = [];
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const rootStatement = { Sid: 'EnableIAM', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountA}:root` }, Action: 'kms:*', Resource: '*' };
type Credentials = { AccessKeyId: string; SecretAccessKey: string };

async function cli(args: string[], options: CliOptions = { profile: 'admin' }) {
  return aws(sandbox, args, options);
}

async function ok(args: string[], options?: CliOptions) {
  const result = await cli(args, options);
  expect(result.stderr, args.join(' ')).toBe('');
  return result.json;
}

/** A user of account A whose IAM policy allows these KMS actions on every key, with its access key. */
async function userWith(name: string, actions: string[]): Promise<Credentials> {
  await ok(['iam', 'create-user', '--user-name', name]);
  if (actions.length > 0) await ok(['iam', 'put-user-policy', '--user-name', name, '--policy-name', 'kms', '--policy-document', policy({ Effect: 'Allow', Action: actions, Resource: '*' })]);
  return (await ok(['iam', 'create-access-key', '--user-name', name])).AccessKey;
}

const userArn = (name: string) => `arn:aws:iam::${accountA}:user/${name}`;

async function encrypt(keyArn: string, department: string): Promise<string> {
  return (await ok(['kms', 'encrypt', '--key-id', keyArn, '--plaintext', 'c2VjcmV0', '--encryption-context', `Department=${department}`])).CiphertextBlob;
}

const decrypt = (blob: string, department: string, as: Credentials | { profile: string }) =>
  cli(['kms', 'decrypt', '--ciphertext-blob', blob, '--encryption-context', `Department=${department}`], 'profile' in as ? as : { credentials: as });

async function check(args: string[]) {
  const result = await runKmsDoctor(['check', '--json', '--profile', 'admin', '--endpoint-url', sandbox.endpoint, ...args], cliEnv(sandbox));
  expect(result.stderr).toBe('');
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) };
}

/** Runs a fix's printed aws commands as they are, from the directory check --fix-files wrote. */
async function runCommands(dir: string, commands: string[]) {
  for (const command of commands) {
    const shell = `${command} --endpoint-url ${sandbox.endpoint} --profile admin --output json`.replace(/^aws /, `${awsCliPath} `);
    const stderr = await new Promise<string>((resolve) =>
      execFile('bash', ['-c', shell], { cwd: dir, env: { PATH: '/usr/bin:/bin', HOME: dir, ...cliEnv(sandbox), AWS_PAGER: '' } }, (_error, _stdout, err) => resolve(err)),
    );
    expect(stderr, command).toBe('');
  }
}

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
});
afterAll(async () => {
  await sandbox?.stop();
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

describe('a key-policy Deny that requires an encryption context', () => {
  it('is answered with the context first; the exception for the principal alone lets it in, nobody else', async () => {
    const requireFinance = {
      Sid: 'RequireFinanceContext',
      Effect: 'Deny',
      Principal: '*',
      Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      Resource: '*',
      Condition: { StringNotEquals: { 'kms:EncryptionContext:Department': 'Finance' } },
    };
    const keyArn = (await ok(['kms', 'create-key', '--policy', policy(rootStatement, requireFinance)])).KeyMetadata.Arn as string;
    const analyst = await userWith('analyst', ['kms:Decrypt', 'kms:Encrypt']);
    const bystander = await userWith('bystander', ['kms:Decrypt', 'kms:Encrypt']);
    const marketing = await encrypt(keyArn, 'Marketing');
    expect((await decrypt(marketing, 'Marketing', analyst)).stderr).toContain('An error occurred (AccessDeniedException)');

    const fixFiles = mkdtempSync(join(tmpdir(), 'kms-doctor-guard-'));
    workDirs.push(fixFiles);
    const args = ['--principal', userArn('analyst'), '--key', keyArn, '--operation', 'Decrypt'];
    const before = await check([...args, '--encryption-context', '{"Department":"Marketing"}', '--fix-files', fixFiles]);
    expect(before.exitCode).toBe(1);
    expect(before.json.causes.map((c: { code: string }) => c.code)).toEqual(['explicit-deny']);
    const [lead] = before.json.fixes;
    // First: the request the guard lets through. Nothing to write, nothing newly allowed.
    expect(lead.requestChange).toEqual({ encryptionContext: { Department: 'Finance' } });
    expect(lead.commands).toEqual([]);
    expect(lead.newlyAllows).toEqual([]);
    // Then the exception for this principal, then (never by default) the Deny narrowed for everyone.
    const [exception, narrowing] = lead.alternatives;
    expect(exception.title).toBe(`Except ${userArn('analyst')} from the Deny "RequireFinanceContext" in the key policy`);
    expect(exception.newlyAllows.map((n: { probe: string; action: string }) => `${n.probe} ${n.action}`)).toEqual(['other-encryption-context kms:Decrypt']);
    expect(narrowing.title).toMatch(/^Narrow the Deny/);
    expect(narrowing.newlyAllows.map((n: { probe: string }) => n.probe)).toContain('other-principal');

    // The request change works as said: the same decrypt, of data encrypted with the right context.
    const finance = await encrypt(keyArn, 'Finance');
    expect((await decrypt(finance, 'Finance', analyst)).stderr).toBe('');
    expect((await check([...args, '--encryption-context', '{"Department":"Finance"}'])).json.verdict).toBe('allowed');

    // The exception, applied by its printed commands: the analyst is in; the outsider probes stay out.
    await runCommands(fixFiles, exception.commands);
    expect((await decrypt(marketing, 'Marketing', analyst)).stderr).toBe('');
    expect((await decrypt(marketing, 'Marketing', bystander)).stderr).toContain('An error occurred (AccessDeniedException)');
    expect((await decrypt(marketing, 'Marketing', { profile: 'admin-b' })).stderr).toContain('An error occurred (AccessDeniedException)');
    expect((await check([...args, '--encryption-context', '{"Department":"Marketing"}'])).json.verdict).toBe('allowed');
  }, 240_000);
});

describe('least privilege, through check --json', () => {
  it('proposes only the key-policy statement when it is enough, not also an IAM policy, and it is enough', async () => {
    const adminOnly = { Sid: 'KeyAdmin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountA}:user/admin` }, Action: 'kms:*', Resource: '*' };
    const keyArn = (await ok(['kms', 'create-key', '--policy', policy(adminOnly)])).KeyMetadata.Arn as string;
    const solo = await userWith('solo', []);
    const other = await userWith('other', ['kms:Decrypt']);
    const blob = (await ok(['kms', 'encrypt', '--key-id', keyArn, '--plaintext', 'c2VjcmV0'])).CiphertextBlob as string;
    const decryptAs = (as: Credentials) => cli(['kms', 'decrypt', '--ciphertext-blob', blob], { credentials: as });
    expect((await decryptAs(solo)).stderr).toContain('An error occurred (AccessDeniedException)');

    const fixFiles = mkdtempSync(join(tmpdir(), 'kms-doctor-minimal-'));
    workDirs.push(fixFiles);
    const { json } = await check(['--principal', userArn('solo'), '--key', keyArn, '--operation', 'Decrypt', '--fix-files', fixFiles]);
    // Two layers refuse (no delegation, no IAM allow), but one change is enough: the key policy naming solo.
    expect(json.causes.map((c: { code: string }) => c.code)).toEqual(['key-policy-no-iam-delegation', 'identity-policy-missing-actions']);
    expect(json.fixes.map((f: { target: { type: string } }) => f.target.type)).toEqual(['key-policy']);
    expect(json.notes.join('\n')).toMatch(/No separate fix for identity-policy-missing-actions/);
    expect(json.fixes[0].newlyAllows).toEqual([]);

    await runCommands(fixFiles, json.fixes[0].commands);
    expect((await decryptAs(solo)).stderr).toBe('');
    // other's IAM allow still counts for nothing: the key policy does not delegate to IAM.
    expect((await decryptAs(other)).stderr).toContain('An error occurred (AccessDeniedException)');
  }, 240_000);
});

describe('kms-doctor fix and a non-empty blast radius', () => {
  it('does not apply with --yes alone, applies with --accept-blast-radius, and other principals stay denied', async () => {
    const noUse = { Sid: 'NoKeyUse', Effect: 'Deny', Principal: '*', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' };
    const keyArn = (await ok(['kms', 'create-key', '--policy', policy(rootStatement, noUse)])).KeyMetadata.Arn as string;
    const writer = await userWith('writer', ['kms:Decrypt', 'kms:Encrypt']);
    const reader = await userWith('reader', ['kms:Decrypt', 'kms:Encrypt']);
    const backupDir = mkdtempSync(join(tmpdir(), 'kms-doctor-backups-'));
    workDirs.push(backupDir);
    const args = ['--profile', 'admin', '--endpoint-url', sandbox.endpoint, '--principal', userArn('writer'), '--key', keyArn, '--operation', 'Encrypt', '--backup-dir', backupDir];
    const policyNow = async () => (await ok(['kms', 'get-key-policy', '--key-id', keyArn, '--policy-name', 'default'])).Policy as string;
    const original = await policyNow();

    const refused = await runKmsDoctor(['fix', '--yes', '--json', ...args], cliEnv(sandbox));
    expect(refused.stderr).toBe('kms-doctor: not applied: the plan newly allows more than the failing call (see "Blast radius"); review it, then add --accept-blast-radius to --yes to apply anyway\n');
    expect(refused.exitCode).toBe(1);
    const json = JSON.parse(refused.stdout);
    // The exception for writer also lifts the Deny's kms:Decrypt for writer: that is what it newly allows.
    expect(json.blastRadius).toEqual([expect.objectContaining({ probe: 'other-action', principal: userArn('writer'), action: 'kms:Decrypt' })]);
    expect(json.applied).toBe(false);
    expect(await policyNow()).toBe(original);

    const accepted = await runKmsDoctor(['fix', '--yes', '--accept-blast-radius', '--json', ...args], cliEnv(sandbox));
    expect(JSON.parse(accepted.stdout).apply.outcome).toBe('applied');
    expect((await cli(['kms', 'encrypt', '--key-id', keyArn, '--plaintext', 'c2VjcmV0'], { credentials: writer })).stderr).toBe('');
    expect((await cli(['kms', 'encrypt', '--key-id', keyArn, '--plaintext', 'c2VjcmV0'], { credentials: reader })).stderr).toContain('An error occurred (AccessDeniedException)');
  }, 240_000);

  it('rejects --accept-blast-radius without --yes as a usage error', async () => {
    const result = await runKmsDoctor(['fix', '--accept-blast-radius', '--key', 'alias/x', '--operation', 'Decrypt'], cliEnv(sandbox));
    expect(result.stderr).toMatch(/--accept-blast-radius goes with --yes/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.exitCode).toBe(2);
  });
});
