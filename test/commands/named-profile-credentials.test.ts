// A named profile resolves through that profile only, and its own failure is the one line printed,
// with the next step: the credential_process's error, `aws sso login --profile NAME` for an SSO session
// that is not there, and a refusal for an MFA profile without a terminal. Nothing reaches the network:
// every failure happens while getting credentials (the endpoint is a closed loopback port).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKmsDoctor } from '../helpers/sandbox-process.js';

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'kms-doctor-profiles-'));
  writeFileSync(
    join(home, 'config'),
    [
      '[profile vault]',
      `credential_process = sh -c 'echo "not logged in to vault" >&2; exit 1'`,
      'region = us-east-1',
      '[profile sso]',
      'sso_start_url = https://example.awsapps.com/start',
      'sso_region = us-east-1',
      'sso_account_id = 111122223333',
      'sso_role_name = Admin',
      'region = us-east-1',
      '[profile mfa]',
      'role_arn = arn:aws:iam::111122223333:role/Admin',
      'source_profile = base',
      'mfa_serial = arn:aws:iam::111122223333:mfa/alice',
      'region = us-east-1',
      '',
    ].join('\n'),
  );
  writeFileSync(join(home, 'credentials'), '[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function checkWith(profile: string) {
  const env = {
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_PROFILE: '',
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
  };
  const args = ['check', '--key', 'alias/orders', '--operation', 'Decrypt', '--profile', profile, '--endpoint-url', 'http://127.0.0.1:9'];
  return runKmsDoctor(args, env);
}

describe('a named profile that cannot give credentials', () => {
  it("shows the credential_process's own error", async () => {
    const result = await checkWith('vault');
    expect(result.stderr).toBe("kms-doctor: the credential_process of profile 'vault' failed: not logged in to vault\n");
    expect(result.exitCode).toBe(2);
  });

  it('says to run aws sso login for the profile when its SSO session is missing', async () => {
    const result = await checkWith('sso');
    expect(result.stderr).toBe("kms-doctor: the SSO session of profile 'sso' has expired or was never started: run aws sso login --profile sso\n");
    expect(result.exitCode).toBe(2);
  });

  it('refuses an MFA profile without a terminal, in one line', async () => {
    const result = await checkWith('mfa');
    expect(result.stderr).toMatch(/^kms-doctor: profile 'mfa' assumes its role with MFA \(mfa_serial\), and there is no terminal to ask for the code: .*\n$/);
    expect(result.exitCode).toBe(2);
  });
});
