// A --state file is checked like a scenario file before the sandbox serves it: a structurally wrong
// one (valid JSON, but a section missing, no accounts, a policy that is not a policy, a reference to
// nothing) is refused by `kms-doctor sandbox` with one line naming the file and field and exit 2,
// instead of a sandbox that answers InternalFailure to everything or blames --config-dir. What the
// sandbox itself saves, after changes of every kind, still resumes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInScenarios, loadScenario } from '../../src/sandbox/scenario.js';
import { validateSavedState } from '../../src/sandbox/state-validation.js';
import { aws } from '../helpers/aws-cli.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';

const directory = mkdtempSync(join(tmpdir(), 'kms-doctor-state-validation-'));
let savedState: any;

beforeAll(async () => {
  // A state the sandbox wrote itself, after IAM, STS-free KMS and grant changes.
  const statePath = join(directory, 'saved.json');
  const sandbox = await startTestSandbox('cross-account-one-side', { statePath });
  try {
    const asAdmin = (args: string[]) => aws(sandbox, args, { profile: 'admin' });
    const created = await asAdmin(['kms', 'create-key', '--description', 'made before saving']);
    expect(created.exitCode, created.stderr).toBe(0);
    const keyArn = created.json.KeyMetadata.Arn as string;
    for (const args of [
      ['kms', 'create-alias', '--alias-name', 'alias/saved', '--target-key-id', keyArn],
      ['kms', 'create-grant', '--key-id', keyArn, '--grantee-principal', 'arn:aws:iam::111122223333:user/admin', '--operations', 'Decrypt', '--constraints', 'EncryptionContextSubset={a=b}'],
      ['iam', 'create-user', '--user-name', 'saved-user'],
      ['iam', 'create-policy', '--policy-name', 'saved-policy', '--policy-document', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}'],
    ]) {
      const result = await asAdmin(args);
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
  } finally {
    await sandbox.stop();
  }
  savedState = JSON.parse(readFileSync(statePath, 'utf8'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const firstAccount = (state: any) => state.accounts[Object.keys(state.accounts)[0]!];

/** Writes an edited copy of the saved state and starts `kms-doctor sandbox --state` on it. */
async function resume(name: string, edit: (state: any) => void) {
  const state = structuredClone(savedState);
  edit(state);
  const file = join(directory, `${name}.json`);
  writeFileSync(file, JSON.stringify(state));
  const result = await runKmsDoctor(['sandbox', '--port', '0', '--state', file, '--config-dir', join(directory, `${name}-config`)], {}, { timeoutMs: 60_000 });
  return { file, ...result };
}

function expectRefused(result: { file: string; exitCode: number; stdout: string; stderr: string }, fieldAndProblem: string): void {
  expect(result.exitCode, result.stdout + result.stderr).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toContain(`${result.file}: ${fieldAndProblem}`);
  expect(result.stderr).not.toContain('--config-dir');
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('a structurally wrong state file', () => {
  it('without its keys section', async () => {
    expectRefused(await resume('no-keys', (state) => delete state.keys), 'keys: is required');
  });

  it('with an account that lost its users', async () => {
    const result = await resume('no-users', (state) => delete firstAccount(state).users);
    expectRefused(result, `accounts["${firstAccount(savedState).id}"].users: must be an object of users`);
  });

  it('with no accounts at all', async () => {
    expectRefused(await resume('no-accounts', (state) => (state.accounts = {})), 'accounts: must hold at least one account');
  });

  it('with an inline policy that is not a policy', async () => {
    const result = await resume('bad-inline-policy', (state) => {
      firstAccount(state).users.admin.inlinePolicies['full-access'] = '{"Statement": "everything"}';
    });
    expectRefused(result, `accounts["${firstAccount(savedState).id}"].users.admin.inlinePolicies.full-access: is not a valid policy`);
  });

  it('with an access key whose user is gone', async () => {
    const result = await resume('orphan-key', (state) => delete firstAccount(state).users['admin']);
    expect(result.stderr).toMatch(/credentials\.AKIA\w+\.userName: names no user of account \d{12}/);
    expect(result.exitCode).toBe(2);
  });
});

describe('a scenario user named __proto__', () => {
  it('is refused with a clear error instead of silently dropped', async () => {
    const file = join(directory, 'proto.json');
    const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    writeFileSync(
      file,
      `{"accounts":[{"id":"111122223333"}],"users":[{"name":"admin","account":"111122223333","inlinePolicies":{"all":${JSON.stringify(allowAll)}}},{"name":"__proto__","account":"111122223333"}]}`,
    );
    const result = await runKmsDoctor(['sandbox', '--port', '0', '--scenario', file], {}, { timeoutMs: 60_000 });
    expect(result.exitCode, result.stdout + result.stderr).toBe(2);
    expect(result.stderr.trim()).toBe(
      `kms-doctor: ${file}: users[1].name: "__proto__" cannot be a principal name in a scenario file (it would be dropped from the account); choose another name`,
    );
  });
});

describe('states the sandbox itself writes', () => {
  it('pass the check: every built-in scenario, as saved, and the state saved after changes', async () => {
    for (const { name } of builtInScenarios()) {
      const state = JSON.parse(JSON.stringify(await loadScenario(name)));
      await expect(validateSavedState(`${name}.json`, state), name).resolves.toBeDefined();
    }
    await expect(validateSavedState('saved.json', savedState)).resolves.toBeDefined();
  });
});
