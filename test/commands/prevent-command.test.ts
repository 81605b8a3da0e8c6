// `kms-doctor prevent --key KEY`: the prevention chapter with the data of the user's key, read live
// from the sandbox with the real SDK through the real CLI process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kmsDenialFilterPattern } from '../../src/engine/prevention.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { runKmsDoctor } from '../helpers/sandbox-process.js';
import { cliEnv } from '../helpers/scenario-principals.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox('key-disabled');
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('kms-doctor prevent', () => {
  it("prints the CI step, the metric filter and alarm for the named log group, and the missing tags, with the key's data", async () => {
    const result = await runKmsDoctor(['prevent', '--key', 'alias/batch-exports', '--log-group', 'org-trail', '--profile', 'admin', '--endpoint-url', sandbox.endpoint], cliEnv(sandbox));
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/e8cc4d9f-b6d5-419b-bc7c-b9d5577b573a';
    expect(result.stdout).toContain('Preventing KMS access denials for alias/batch-exports (account 111122223333, us-east-1)');
    expect(result.stdout).toContain(`npx kms-doctor check --key ${keyArn} --operation Decrypt`);
    expect(result.stdout).toContain(`aws kms encrypt --key-id ${keyArn} --plaintext dGVzdA== --dry-run --region us-east-1`);
    expect(result.stdout).toContain(`aws logs put-metric-filter --log-group-name org-trail --filter-name kms-access-denied`);
    expect(result.stdout).toContain(`--filter-pattern '${kmsDenialFilterPattern}'`);
    expect(result.stdout).toContain('LogGroupName: org-trail');
    expect(result.stdout).toMatch(new RegExp(`aws kms tag-resource --key-id ${keyArn} --region us-east-1 --tags TagKey=owner`));
  });

  it('a key that does not exist: one line, non-zero exit', async () => {
    const result = await runKmsDoctor(['prevent', '--key', 'alias/nope', '--profile', 'admin', '--endpoint-url', sandbox.endpoint], cliEnv(sandbox));
    expect(result.exitCode).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('alias/nope');
  });
});
