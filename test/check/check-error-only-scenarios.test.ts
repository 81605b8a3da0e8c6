// The causes known only from the error the call got (issue 8): a Decrypt refused not by a policy but by
// its ciphertext, made with another encryption context (InvalidCiphertextException) or under another key
// than the call names (IncorrectKeyException), and a grant created moments ago that is not in effect yet
// (AccessDeniedException). The whole loop as a user runs it against the sandbox, with the real aws CLI:
// the call fails; `check --json --error` names the cause and says no policy is to blame; the call changed
// as the fix says succeeds; the unrelated principal stays denied. One sandbox per scenario.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from '../helpers/aws-cli.js';
import { trainingCallArgs } from '../../src/sandbox/training-command.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { projectRoot, runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv, principalOf, scenarioArgs } from '../helpers/scenario-principals.js';
import { cliIdentity, runTrainingCall } from '../helpers/training-call.js';

/** What the scenario file says the data was encrypted with (the state keeps only the ciphertext). */
function ciphertextFrom(scenario: string): { key: string; encryptionContext?: Record<string, string> } {
  const file = JSON.parse(readFileSync(join(projectRoot, 'scenarios', `${scenario}.json`), 'utf8'));
  return file.training.call.ciphertextFrom;
}

async function check(target: TestSandbox, scenario: string) {
  const result = await runKmsDoctor(['check', '--json', ...scenarioArgs(target, scenario)], cliEnv(target));
  expect(result.stderr).toBe('');
  return { exitCode: result.exitCode, json: JSON.parse(result.stdout) };
}

describe('invoice-context-mismatch: Decrypt with another encryption context than the data was encrypted with', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox('invoice-context-mismatch');
  });
  afterAll(() => sandbox?.stop());

  it('fails with InvalidCiphertextException; check names encryption-context-mismatch; the encryption context makes it succeed', async () => {
    const t = sandbox.world.state.training!;
    const reader = await cliIdentity(sandbox, sandbox.world.state, t.principal);
    expect((await runTrainingCall(sandbox, t.call, reader)).stderr).toContain('An error occurred (InvalidCiphertextException) when calling the Decrypt operation');

    const { exitCode, json } = await check(sandbox, 'invoice-context-mismatch');
    expect(exitCode).toBe(1);
    expect(json.verdict).toBe('denied');
    expect(json.causes.map((c: { code: string }) => c.code)).toEqual(['encryption-context-mismatch']);
    const [cause] = json.causes;
    expect(cause.layer).toBe('request');
    expect(cause.summary).toMatch(/not a permission problem/);
    expect(cause.evidence).toContainEqual(expect.objectContaining({ what: 'Encryption context of the request', value: { tenant: 'acme-corp' } }));
    // Guidance, no policy change: where to find the context the data was encrypted with, as a command to run.
    const [fix] = json.fixes;
    expect(fix.commands).toEqual([]);
    expect(fix.explanation).toContain('tenant=acme-corp');
    const lookup = /aws cloudtrail lookup-events [^:]*AttributeValue=\S+/.exec(fix.explanation)?.[0];
    expect(lookup).toContain(`AttributeKey=ResourceName,AttributeValue=${Object.values(sandbox.world.state.keys)[0]!.arn}`);

    // The same call with the context used at encryption succeeds; the intern still cannot decrypt it.
    const fixedCall = { ...t.call, encryptionContext: ciphertextFrom('invoice-context-mismatch').encryptionContext! };
    const decrypted = await runTrainingCall(sandbox, fixedCall, reader);
    expect(decrypted.stderr).toBe('');
    expect(Buffer.from(decrypted.json.Plaintext, 'base64').toString('utf8')).toBe('kms-doctor training data');
    const intern = await cliIdentity(sandbox, sandbox.world.state, t.unrelatedPrincipal!);
    expect((await runTrainingCall(sandbox, fixedCall, intern)).stderr).toContain('An error occurred (AccessDeniedException)');
  }, 120_000);
});

describe('rotated-alias-decrypt: Decrypt naming a key other than the one that encrypted the data', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox('rotated-alias-decrypt');
  });
  afterAll(() => sandbox?.stop());

  it('fails with IncorrectKeyException; check names incorrect-key; Decrypt without --key-id succeeds and names the old key', async () => {
    const t = sandbox.world.state.training!;
    const reader = await cliIdentity(sandbox, sandbox.world.state, t.principal);
    expect((await runTrainingCall(sandbox, t.call, reader)).stderr).toContain('An error occurred (IncorrectKeyException) when calling the Decrypt operation');

    const { exitCode, json } = await check(sandbox, 'rotated-alias-decrypt');
    expect(exitCode).toBe(1);
    expect(json.causes.map((c: { code: string }) => c.code)).toEqual(['incorrect-key']);
    expect(json.causes[0].evidence).toContainEqual(expect.objectContaining({ what: 'Key named in the request', value: 'alias/reports' }));
    const [fix] = json.fixes;
    expect(fix.commands).toEqual([]);
    expect(fix.explanation).toMatch(/without --key-id/);

    // As the fix says: no --key-id. KMS finds the key in the ciphertext and names it in the answer.
    const withoutKeyId = ['kms', 'decrypt', '--ciphertext-blob', t.call.ciphertext!];
    const decrypted = await aws(sandbox, withoutKeyId, 'profile' in reader ? { profile: reader.profile } : { credentials: reader.credentials });
    expect(decrypted.stderr).toBe('');
    const oldKey = Object.values(sandbox.world.state.aliases).find((a) => a.aliasName === ciphertextFrom('rotated-alias-decrypt').key)!;
    expect(decrypted.json.KeyId).toBe(`arn:aws:kms:us-east-1:111122223333:key/${oldKey.targetKeyId}`);
    // The intern, making the same call, is refused.
    const intern = await aws(sandbox, withoutKeyId, { profile: t.unrelatedPrincipal! });
    expect(intern.stderr).toContain('An error occurred (AccessDeniedException)');
  }, 120_000);
});

describe('new-grant-deploy: a grant created moments ago, not in effect yet', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox('new-grant-deploy');
  });
  afterAll(() => sandbox?.stop());

  it('is refused without the grant token; check --error names grant-recently-created; the grant token makes the same call succeed', async () => {
    const t = sandbox.world.state.training!;
    const worker = await cliIdentity(sandbox, sandbox.world.state, t.principal);
    const denied = await runTrainingCall(sandbox, t.call, worker);
    expect(denied.stderr).toContain('An error occurred (AccessDeniedException) when calling the GenerateDataKey operation');

    // The administrator pastes the error the worker got.
    const args = ['--key', t.call.key, '--operation', t.call.operation, '--principal', principalOf(sandbox.world.state, t.principal).arn, '--profile', 'admin', '--endpoint-url', sandbox.endpoint];
    const pasted = await runKmsDoctor(['check', '--json', ...args, '--error', denied.stderr.trim()], cliEnv(sandbox));
    expect(pasted.stderr).toBe('');
    expect(pasted.exitCode).toBe(1);
    const json = JSON.parse(pasted.stdout);
    expect(json.causes.map((c: { code: string }) => c.code)).toEqual(['grant-recently-created']);
    const [grant] = sandbox.world.state.keys[Object.keys(sandbox.world.state.keys)[0]!]!.grants;
    expect(json.causes[0].layer).toBe('grant');
    expect(json.causes[0].summary).toMatch(new RegExp(`Grant ${grant!.grantId} allows kms:GenerateDataKey .* created \\d+ seconds ago`));
    const created = json.causes[0].evidence.find((e: { what: string }) => e.what === 'Grant created');
    expect(Date.parse(created.value)).toBe(Date.parse(grant!.creationDate));
    // No policy change: pass the grant token, or wait.
    const [fix] = json.fixes;
    expect(fix.commands).toEqual([]);
    expect(fix.explanation).toMatch(/--grant-tokens/);

    // Without the error, the grant may or may not be in effect where the call lands: never "allowed"
    // (the sandbox refuses this very call), but unknown, until the window ends or with the token passed.
    const unpastedRun = await runKmsDoctor(['check', '--json', ...args], cliEnv(sandbox));
    expect(unpastedRun.stderr).toBe('');
    const unpasted = JSON.parse(unpastedRun.stdout);
    expect(unpasted.verdict).toBe('unknown');
    expect(unpastedRun.exitCode).toBe(3);
    expect(unpasted.causes.map((c: { code: string }) => c.code)).toEqual(['grant-recently-created']);
    const inEffectBy = new Date(Date.parse(grant!.creationDate) + 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(unpasted.causes[0].recentGrant).toMatchObject({ grantId: grant!.grantId, inEffectBy });
    expect(unpasted.fixes[0].requestChange).toEqual({ grantTokensFor: [grant!.grantId] });
    expect(unpasted.fixes[0].title).toBe(`Pass the grant token of grant ${grant!.grantId}, or wait until ${inEffectBy}`);
    // The user's call passes the grant's token: then the grant counts at once.
    const declared = await runKmsDoctor(['check', '--json', ...args, '--grant-token-for', grant!.grantId], cliEnv(sandbox));
    expect(JSON.parse(declared.stdout).verdict).toBe('allowed');
    expect(declared.exitCode).toBe(0);

    // The same call with the grant token CreateGrant returned (the deploy kept it) succeeds at once.
    const withToken = [...trainingCallArgs(t.call), '--grant-tokens', grant!.grantToken];
    const allowed = await aws(sandbox, withToken, { profile: t.principal });
    expect(allowed.stderr).toBe('');
    expect(allowed.json.KeyId).toBe(grant!.keyArn);
    // A grant token is no key for others: the intern passing it is still refused.
    const intern = await aws(sandbox, withToken, { profile: t.unrelatedPrincipal! });
    expect(intern.stderr).toContain('An error occurred (AccessDeniedException)');
    // And the worker without the token is still refused until the grant is in effect (300 s after load).
    expect((await runTrainingCall(sandbox, t.call, worker)).stderr).toContain('An error occurred (AccessDeniedException)');
  }, 120_000);
});
