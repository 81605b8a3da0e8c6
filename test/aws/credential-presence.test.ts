// Are there AWS credentials? Decided from the environment and the shared files, never the network.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findCredentials, profileSections } from '../../src/aws/credential-presence.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function home(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kms-doctor-home-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('findCredentials', () => {
  it('finds none on a fresh machine: empty HOME, no AWS variables', () => {
    expect(findCredentials({ HOME: home() })).toEqual({ found: false });
  });

  it('finds static keys, a named profile, web identity and container credentials in the environment', () => {
    const empty = home();
    expect(findCredentials({ HOME: empty, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' }).found).toBe(true);
    expect(findCredentials({ HOME: empty, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }).found).toBe(false);
    expect(findCredentials({ HOME: empty, AWS_PROFILE: 'work' }).source).toBe('AWS_PROFILE=work');
    expect(findCredentials({ HOME: empty, AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' }).found).toBe(true);
    expect(findCredentials({ HOME: empty, AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' }).found).toBe(true);
    expect(findCredentials({ HOME: empty }, { profile: 'admin' }).source).toBe('--profile admin');
  });

  it('finds profiles in ~/.aws and in AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, ignoring sso-session and services sections', () => {
    const dir = home({ config: '[sso-session corp]\nsso_region = us-east-1\n[services local]\nkms =\n' });
    expect(findCredentials({ HOME: dir, AWS_CONFIG_FILE: join(dir, 'config') }).found).toBe(false);
    writeFileSync(join(dir, 'credentials'), '# keys\n[default]\naws_access_key_id = AKIAEXAMPLE\n');
    expect(findCredentials({ HOME: dir, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') }).source).toMatch(/^profile default in /);
    expect(profileSections('[profile work] ; comment\nregion = eu-west-1\n[ default ]\n')).toEqual(['work', 'default']);
  });
});
