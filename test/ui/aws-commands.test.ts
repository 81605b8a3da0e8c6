// The wizard's "See it yourself" commands and its fix commands run as printed (bash, /usr/bin/aws) from
// a directory with no default profile: the key account's reads with --key-profile's profile, the IAM
// ones with a Region, every one with the endpoint, and a URL that needs quoting quoted.
import { keyRef } from '../helpers/parsed-input.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WizardEnvironment } from '../../machines/wizard-types.js';
import { findOperation } from '../../src/engine/operations.js';
import type { KeyFacts } from '../../src/engine/facts.js';
import { accountCommands, fixCommand, grantsCommands, iamCommands, identifyCommands, keyPolicyCommands, keyStateCommands, withConnection, type CommandContext } from '../../src/ui/aws-commands.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { principalOf } from '../helpers/scenario-principals.js';

let sandbox: TestSandbox | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runAsPrinted(target: TestSandbox, command: string): Promise<{ code: number; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'kms-doctor-home-'));
  dirs.push(home);
  const env = { PATH: '/usr/bin:/bin', HOME: home, AWS_CONFIG_FILE: target.configFile, AWS_SHARED_CREDENTIALS_FILE: target.credentialsFile, AWS_PAGER: '' };
  return new Promise((resolve) => execFile('bash', ['-c', command], { cwd: home, env, timeout: 60_000 }, (error, _out, stderr) => resolve({ code: error ? 1 : 0, stderr })));
}

describe("the wizard's aws commands", () => {
  it('run as printed for a key in another account, with --key-profile for the key', async () => {
    sandbox = await startTestSandbox('cross-account-one-side');
    const t = sandbox.world.state.training!;
    const principal = principalOf(sandbox.world.state, t.principal);
    const keyArn = t.call.key;
    const environment: WizardEnvironment = { profile: 'admin-b', keyProfile: 'admin', endpointUrl: sandbox.endpoint, region: 'us-east-1', backupDir: '/nonexistent' };
    const context: CommandContext = {
      request: { operation: findOperation('Decrypt')!, key: keyRef(keyArn), region: 'us-east-1' },
      environment,
      key: { arn: keyArn, accountId: '111122223333' } as KeyFacts,
      principal: { arn: principal.arn, entityArn: principal.arn, kind: principal.kind, name: t.principal, accountId: principal.accountId },
    };
    const reads = [
      ...identifyCommands(context).slice(0, 1),
      ...accountCommands(context).slice(0, 1),
      ...keyStateCommands(context),
      ...keyPolicyCommands(context),
      ...grantsCommands(context),
      ...iamCommands(context, ['kms:Decrypt']),
    ];
    for (const command of reads) {
      const ran = await runAsPrinted(sandbox, command);
      expect(ran.stderr, command).toBe('');
      expect(ran.code, command).toBe(0);
    }
    expect(keyPolicyCommands(context)[0]).toContain('--profile admin ');
    expect(iamCommands(context, ['kms:Decrypt'])[0]).toContain('--profile admin-b ');
    // A fix on the key (in 111122223333) runs with the key account's profile, whatever profile the wizard started with.
    const enable = fixCommand(`aws kms describe-key --key-id ${keyArn} --region us-east-1`, environment, { arn: keyArn, callerAccount: '444455556666' });
    expect(enable).toContain('--profile admin ');
    expect((await runAsPrinted(sandbox, enable)).code).toBe(0);
  });

  it('quote an endpoint the shell would otherwise split', () => {
    const environment: WizardEnvironment = { endpointUrl: 'https://kms.internal/?a=1&b=2', region: 'eu-west-1', backupDir: '/nonexistent' };
    expect(withConnection('aws kms list-keys --region eu-west-1', environment)).toBe("aws kms list-keys --region eu-west-1 --endpoint-url 'https://kms.internal/?a=1&b=2'");
  });
});
