// Sessions against a real sandbox: profiles from its written config files (role profiles assume their
// role through its STS), Region and endpoint precedence, and every way getting credentials can fail,
// each as our AwsCallError with a sentence that names the profile or the endpoint.
import { keyRef } from '../helpers/parsed-input.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAwsSession } from '../../src/aws/aws-session.js';
import { AwsCallError } from '../../src/aws/aws-errors.js';
import type { AwsCallRecord } from '../../src/aws/call-recorder.js';
import { createFactSource } from '../../src/aws/fact-source.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { profileEnv, profileSession, trainingRequest, userSession } from './aws-test-helpers.js';

let sandbox: TestSandbox;
/** A port nothing listens on: connections are refused at once. */
const unreachable = 'http://127.0.0.1:1';

beforeAll(async () => {
  sandbox = await startTestSandbox('no-iam-delegation');
});
afterAll(async () => {
  await sandbox.stop();
});

async function rejection(promise: Promise<unknown>): Promise<AwsCallError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AwsCallError);
    return error as AwsCallError;
  }
  throw new Error('expected a rejection');
}

describe('credentials', () => {
  it('assumes a role profile (role_arn + source_profile + endpoint_url) through the sandbox STS', async () => {
    const records: AwsCallRecord[] = [];
    const session = await profileSession(sandbox, 'AppRole', { onCall: (record) => records.push(record) });
    const caller = await createFactSource(session, trainingRequest(sandbox)).caller();
    expect(caller).toEqual({
      status: 'known',
      value: { arn: 'arn:aws:sts::111122223333:assumed-role/AppRole/kms-doctor', accountId: '111122223333', userId: expect.stringMatching(/^AROA.+:kms-doctor$/) },
    });
    // The AssumeRole went to the sandbox (the SDK alone would have asked sts.us-east-1.amazonaws.com).
    expect(records.filter((r) => r.call === 'sts:AssumeRole')).toHaveLength(1);
    expect(records.find((r) => r.call === 'sts:AssumeRole')?.httpStatusCode).toBe(200);
    session.destroy();
  });

  it('uses a user profile and static keys from the environment alike', async () => {
    const byProfile = await profileSession(sandbox, 'admin');
    const byKeys = await userSession(sandbox, 'admin');
    for (const session of [byProfile, byKeys]) {
      const caller = await createFactSource(session, trainingRequest(sandbox)).caller();
      expect(caller).toMatchObject({ status: 'known', value: { arn: 'arn:aws:iam::111122223333:user/admin' } });
      session.destroy();
    }
  });

  it('names an unknown profile, and an unknown key profile', async () => {
    const unknown = await rejection(profileSession(sandbox, 'no-such-profile'));
    expect(unknown).toMatchObject({ kind: 'credentials', code: 'ProfileNotFound' });
    expect(unknown.message).toContain("'no-such-profile'");
    expect(unknown.message).toContain(sandbox.configFile);
    const unknownKeyProfile = await rejection(profileSession(sandbox, 'admin', { keyProfile: 'key-admin-typo' }));
    expect(unknownKeyProfile.message).toContain("'key-admin-typo'");
  });

  it('reports missing credentials as our error, not the SDK chain error', async () => {
    // The chain's container, web-identity and IMDS links read process.env: keep them from trying the network.
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE']) {
      vi.stubEnv(name, undefined);
    }
    try {
      const empty = join(sandbox.configDir, 'empty');
      writeFileSync(empty, '');
      const session = await createAwsSession({ endpointUrl: sandbox.endpoint, env: { AWS_CONFIG_FILE: empty, AWS_SHARED_CREDENTIALS_FILE: empty } });
      const error = await rejection(createFactSource(session, trainingRequest(sandbox)).readAll());
      expect(error).toMatchObject({ kind: 'credentials', code: 'NoCredentials', call: 'credentials' });
      expect(error.message).toMatch(/No AWS credentials found/);
      session.destroy();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('reports a role profile whose role refuses the source profile as a credentials error', async () => {
    // admin may call sts:AssumeRole, but AppRole's trust policy names only app-deployer.
    const config = join(sandbox.configDir, 'config-refused');
    writeFileSync(config, `[profile refused]\nrole_arn = arn:aws:iam::111122223333:role/AppRole\nsource_profile = admin\nendpoint_url = ${sandbox.endpoint}\nregion = us-east-1\n\n[profile admin]\nregion = us-east-1\n`);
    const session = await createAwsSession({ profile: 'refused', env: { ...profileEnv(sandbox), AWS_CONFIG_FILE: config } });
    const error = await rejection(createFactSource(session, trainingRequest(sandbox)).caller());
    expect(error).toMatchObject({ kind: 'credentials', code: 'AccessDenied', call: 'credentials' });
    expect(error.message).toContain("profile 'refused'");
    session.destroy();
  });

  it('fails fast with a network error naming an unreachable endpoint', async () => {
    const started = Date.now();
    const session = await userSession(sandbox, 'admin', { endpointUrl: unreachable, maxAttempts: 1 });
    const error = await rejection(createFactSource(session, trainingRequest(sandbox)).readAll());
    expect(error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
    expect(error.message).toContain(unreachable);
    expect(Date.now() - started).toBeLessThan(5_000);
    session.destroy();
  });

  it('reports an unreachable STS while assuming a role profile as a network error', async () => {
    const session = await profileSession(sandbox, 'AppRole', { endpointUrl: unreachable, maxAttempts: 1 });
    const error = await rejection(createFactSource(session, trainingRequest(sandbox)).caller());
    expect(error).toMatchObject({ kind: 'network', call: 'credentials' });
    expect(error.message).toContain(unreachable);
    expect(error.message).toContain("profile 'AppRole'");
    session.destroy();
  });
});

describe('region and endpoints', () => {
  const env = () => profileEnv(sandbox);

  it('takes --region over AWS_REGION over AWS_DEFAULT_REGION over the profile', async () => {
    const region = async (options: { region?: string }, extra: NodeJS.ProcessEnv) => (await createAwsSession({ profile: 'admin', ...options, env: { ...env(), ...extra } })).region;
    expect(await region({}, {})).toBe('us-east-1');
    expect(await region({}, { AWS_DEFAULT_REGION: 'eu-west-1' })).toBe('eu-west-1');
    expect(await region({}, { AWS_DEFAULT_REGION: 'eu-west-1', AWS_REGION: 'eu-central-1' })).toBe('eu-central-1');
    expect(await region({ region: 'ap-southeast-2' }, { AWS_DEFAULT_REGION: 'eu-west-1', AWS_REGION: 'eu-central-1' })).toBe('ap-southeast-2');
  });

  it('takes --endpoint-url over AWS_ENDPOINT_URL_<SERVICE> over AWS_ENDPOINT_URL over the profile', async () => {
    const session = await createAwsSession({ profile: 'admin', env: { ...env(), AWS_ENDPOINT_URL_KMS: 'http://kms.local:1', AWS_ENDPOINT_URL: 'http://all.local:2' } });
    expect(session.endpoint('kms')).toBe('http://kms.local:1');
    expect(session.endpoint('iam')).toBe('http://all.local:2');
    const fromProfile = await createAwsSession({ profile: 'admin', env: env() });
    expect(fromProfile.endpoint('sts')).toBe(sandbox.endpoint);
    const flagged = await createAwsSession({ profile: 'admin', endpointUrl: 'http://flag.local:3', env: { ...env(), AWS_ENDPOINT_URL_KMS: 'http://kms.local:1' } });
    expect(flagged.endpoint('kms')).toBe('http://flag.local:3');
    const ignored = await createAwsSession({ profile: 'admin', env: { ...env(), AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' } });
    expect(ignored.endpoint('kms', 'eu-west-1')).toBe('https://kms.eu-west-1.amazonaws.com');
  });

  it('sends KMS calls to AWS_ENDPOINT_URL_KMS even when the profile names another endpoint', async () => {
    const config = join(sandbox.configDir, 'config-split');
    writeFileSync(config, `[profile admin]\nregion = us-east-1\nendpoint_url = ${unreachable}\n`);
    const session = await createAwsSession({ profile: 'admin', maxAttempts: 1, env: { ...profileEnv(sandbox), AWS_CONFIG_FILE: config, AWS_ENDPOINT_URL_KMS: sandbox.endpoint } });
    const facts = createFactSource(session, trainingRequest(sandbox));
    expect(await facts.key()).toMatchObject({ status: 'known', value: { keyId: 'f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df' } });
    expect(await rejection(facts.caller())).toMatchObject({ kind: 'network', call: 'sts:GetCallerIdentity' });
    session.destroy();
  });

  it('sends KMS calls to the Region of a key ARN', async () => {
    const records: AwsCallRecord[] = [];
    const session = await profileSession(sandbox, 'admin', { onCall: (record) => records.push(record) });
    const request = { ...trainingRequest(sandbox), key: keyRef('arn:aws:kms:eu-west-1:111122223333:key/f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df') };
    const key = await createFactSource(session, request).key();
    // The sandbox keeps its keys in us-east-1: asked in eu-west-1, KMS does not find it there.
    expect(key).toMatchObject({ status: 'unreadable', reason: 'not-found', call: 'kms:DescribeKey' });
    expect(records.find((r) => r.call === 'kms:DescribeKey')?.region).toBe('eu-west-1');
    session.destroy();
  });
});

describe('quiet', () => {
  it('prints nothing on stdout or stderr while reading every fact', async () => {
    const writes: string[] = [];
    const spies = [
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (writes.push(String(chunk)), true)),
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (writes.push(String(chunk)), true)),
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method).mockImplementation((...args) => void writes.push(args.join(' ')))),
    ];
    // A profile and static keys both set: the SDK's chain would console.warn about it.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-a-secret');
    try {
      const session = await createAwsSession({ profile: 'AppRole', env: profileEnv(sandbox) });
      const facts = await createFactSource(session, trainingRequest(sandbox)).readAll();
      expect(facts.caller.status).toBe('known');
      session.destroy();
    } finally {
      for (const spy of spies) spy.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(writes).toEqual([]);
  });
});
