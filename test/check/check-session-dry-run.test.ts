// A role session's session policy is returned by AWS to nobody (issue 8: no false "allowed"). As users
// run it, with the real CLI and the real aws CLI against the session-policy-scoped-down sandbox, without
// --error: an administrator diagnosing someone's session gets "unknown", naming the session policy and
// how to settle it; the session itself gets KMS's answer to a dry run, so a refusal is "denied" with the
// layer AWS blamed and a call AWS would allow is "allowed". One sandbox for the file: nothing here writes.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { assumeRoleWithCli } from '../helpers/aws-cli.js';
import { cliEnv, trainingSessionArn } from '../helpers/scenario-principals.js';
import { runTrainingCall } from '../helpers/training-call.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox('session-policy-scoped-down');
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
});

/** Runs a printed command line as a user pastes it into a shell. */
function shell(line: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile('/bin/sh', ['-c', line], { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })),
  );
}

const roleArn = 'arn:aws:iam::111122223333:role/ExportJobRole';
const key = 'alias/export-manifests';

/** `check --json` for Decrypt with the key, with the given credentials (a profile, or a session's keys). */
async function check(as: { profile: string } | { credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } }, extra: readonly string[] = []) {
  const env = cliEnv(sandbox);
  const credentials =
    'credentials' in as ? { AWS_ACCESS_KEY_ID: as.credentials.AccessKeyId, AWS_SECRET_ACCESS_KEY: as.credentials.SecretAccessKey, AWS_SESSION_TOKEN: as.credentials.SessionToken } : {};
  const args = ['check', '--json', '--key', key, '--operation', 'Decrypt', '--endpoint-url', sandbox.endpoint, ...('profile' in as ? ['--profile', as.profile] : []), ...extra];
  const result = await runKmsDoctor(args, { ...env, ...credentials });
  expect(result.stderr).toBe('');
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) };
}

/** A session of ExportJobRole as the scheduler creates it, with `policy` as its session policy (none when undefined). */
async function session(policy: string | undefined) {
  const credentials = await assumeRoleWithCli(sandbox, 'job-scheduler', roleArn, 'ExportJobRole-session', policy);
  return { credentials };
}

/** The scenario's failing call (its ciphertext was made under the key), as the job makes it. */
const decryptCall = () => sandbox.world.state.training!.call;

describe('a role session whose session policy cannot be read', () => {
  it('diagnosed by an administrator (--principal, no --error): unknown, naming the session policy and how to settle it', async () => {
    const { exitCode, json } = await check({ profile: 'admin' }, ['--principal', trainingSessionArn(sandbox)]);
    expect(json.verdict).toBe('unknown');
    expect(exitCode).toBe(3);
    expect(json.actionResults).toEqual([{ action: 'kms:Decrypt', decision: 'unknown' }]);
    const entry = json.unverified.find((u: { what: string }) => u.what === `The session policy of ${trainingSessionArn(sandbox)}`);
    expect(entry).toBeDefined();
    expect(entry.why).toContain('AWS returns it to nobody');
    expect(entry.why).toContain('the session diagnosed is not the caller');
    expect(entry.howToVerify).toContain("with the session's own credentials");
    const lookup = entry.howToVerify.slice(entry.howToVerify.indexOf('aws cloudtrail lookup-events'));
    expect(lookup).toMatch(/^aws cloudtrail lookup-events --region us-east-1 --lookup-attributes AttributeKey=EventName,AttributeValue=AssumeRole /);
    // It runs as printed (the sandbox's trail records KMS calls only, so it finds no AssumeRole here).
    const found = await shell(`${lookup} --endpoint-url ${sandbox.endpoint}`, { ...cliEnv(sandbox), AWS_PROFILE: 'admin' });
    expect(found.stderr).toBe('');
    expect(found.code).toBe(0);
    // The role itself (not a session) has no session policy: its verdict is unchanged.
    const role = await check({ profile: 'admin' }, ['--principal', roleArn]);
    expect(role.json.verdict).toBe('allowed');
  }, 120_000);

  it('run as the session itself, whose session policy leaves out kms:Decrypt: denied, the session policy named by the dry run', async () => {
    const scheduled = await session(sandbox.world.state.training!.sessionPolicy);
    const refused = await runTrainingCall(sandbox, decryptCall(), scheduled);
    expect(refused.stderr).toContain('because no session policy allows the kms:Decrypt action');
    const { exitCode, json } = await check(scheduled);
    expect(json.verdict).toBe('denied');
    expect(exitCode).not.toBe(0);
    expect(exitCode).not.toBe(3);
    expect(json.causes.map((c: { code: string; layer: string }) => [c.code, c.layer])).toEqual([['session-policy', 'session-policy']]);
    expect(json.causes[0].evidence).toContainEqual(expect.objectContaining({ source: `KMS's dry run of kms:Decrypt as ${trainingSessionArn(sandbox)}` }));
    expect(json.actionResults).toEqual([{ action: 'kms:Decrypt', decision: 'denied' }]);
  }, 120_000);

  it('run as a session whose session policy allows the call: allowed, confirmed by the dry run', async () => {
    const allowing = await session(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' }] }));
    expect((await runTrainingCall(sandbox, decryptCall(), allowing)).exitCode).toBe(0);
    const { exitCode, json } = await check(allowing);
    expect(json.verdict).toBe('allowed');
    expect(exitCode).toBe(0);
    expect(json.notes.join('\n')).toContain('KMS, asked with a dry run as this session, would let this call succeed');
  }, 120_000);

  it('run as a session without a session policy: allowed', async () => {
    const plain = await session(undefined);
    expect((await runTrainingCall(sandbox, decryptCall(), plain)).exitCode).toBe(0);
    const { exitCode, json } = await check(plain);
    expect(json.verdict).toBe('allowed');
    expect(exitCode).toBe(0);
  }, 120_000);
});
