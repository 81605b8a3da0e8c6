// The sandbox remembers its authorization decisions per state (src/sandbox/authorization-cache.ts).
// Whatever it remembers, a change to a key policy or an IAM policy must decide the very next request,
// both ways: what a change allows is allowed at once, and what a change takes back is refused at once.
// So must a change to what the request context says about the key (its aliases, indexed per state).
import { IAMClient, DeleteUserPolicyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, DeleteAliasCommand, DescribeKeyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';

const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/f94ddd94-64cb-4ad5-9e1c-2b9723f0d7df';
const deployerArn = 'arn:aws:iam::111122223333:user/app-deployer';
const adminStatement = { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:user/admin' }, Action: 'kms:*', Resource: '*' };
const keyPolicy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: [adminStatement, ...statements] });

let sandbox: TestSandbox;
let adminKms: KMSClient;
let adminIam: IAMClient;
let deployerKms: KMSClient;

beforeAll(async () => {
  sandbox = await startTestSandbox('no-iam-delegation');
  const client = <T>(Client: new (config: object) => T, user: string) =>
    new Client({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials: userCredentials(sandbox, user), maxAttempts: 1 });
  adminKms = client(KMSClient, 'admin');
  adminIam = client(IAMClient, 'admin');
  deployerKms = client(KMSClient, 'app-deployer');
});

afterAll(async () => {
  await sandbox.stop();
});

/** The deployer's DescribeKey, as the error name it got or 'allowed'. */
async function deployerDescribes(): Promise<string> {
  try {
    await deployerKms.send(new DescribeKeyCommand({ KeyId: keyArn }));
    return 'allowed';
  } catch (error) {
    return (error as Error).name;
  }
}

/** The same request several times: a remembered decision, if any, is the one to be replaced. */
async function repeatedly(times = 3): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < times; i++) answers.push(await deployerDescribes());
  return answers;
}

describe('a policy change decides the very next request', () => {
  it('a key policy statement for the principal, added and then removed', async () => {
    expect(await repeatedly()).toEqual(['AccessDeniedException', 'AccessDeniedException', 'AccessDeniedException']);
    const forDeployer = { Sid: 'Deployer', Effect: 'Allow', Principal: { AWS: deployerArn }, Action: 'kms:DescribeKey', Resource: '*' };
    await adminKms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: keyPolicy(forDeployer) }));
    expect(await repeatedly()).toEqual(['allowed', 'allowed', 'allowed']);
    await adminKms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: keyPolicy() }));
    expect(await deployerDescribes()).toBe('AccessDeniedException');
  });

  it("the principal's IAM policy, added and then deleted, with the key policy delegating to IAM", async () => {
    const delegation = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' };
    await adminKms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: keyPolicy(delegation) }));
    expect(await repeatedly()).toEqual(['AccessDeniedException', 'AccessDeniedException', 'AccessDeniedException']);
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: keyArn }] });
    await adminIam.send(new PutUserPolicyCommand({ UserName: 'app-deployer', PolicyName: 'describe-orders-key', PolicyDocument: document }));
    expect(await repeatedly()).toEqual(['allowed', 'allowed', 'allowed']);
    await adminIam.send(new DeleteUserPolicyCommand({ UserName: 'app-deployer', PolicyName: 'describe-orders-key' }));
    expect(await deployerDescribes()).toBe('AccessDeniedException');
  });

  it("an alias the key policy's condition names (kms:ResourceAliases), created and then deleted", async () => {
    // What a request's context says about the key changes with the aliases, not with the policy.
    const byAlias = {
      Sid: 'DeployerByAlias',
      Effect: 'Allow',
      Principal: { AWS: deployerArn },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/deployer-orders' } },
    };
    await adminKms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: keyPolicy(byAlias) }));
    expect(await repeatedly()).toEqual(['AccessDeniedException', 'AccessDeniedException', 'AccessDeniedException']);
    await adminKms.send(new CreateAliasCommand({ AliasName: 'alias/deployer-orders', TargetKeyId: keyArn }));
    expect(await repeatedly()).toEqual(['allowed', 'allowed', 'allowed']);
    await adminKms.send(new DeleteAliasCommand({ AliasName: 'alias/deployer-orders' }));
    expect(await deployerDescribes()).toBe('AccessDeniedException');
  });

  it('a policy that reads the time is evaluated at the time of each request', async () => {
    // Allowed until a moment a few seconds ahead, then no longer: the decision must not outlive it.
    const deadline = new Date(Date.now() + 2_000);
    const untilDeadline = {
      Sid: 'DeployerUntilDeadline',
      Effect: 'Allow',
      Principal: { AWS: deployerArn },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: { DateLessThan: { 'aws:CurrentTime': deadline.toISOString() } },
    };
    await adminKms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: keyPolicy(untilDeadline) }));
    expect(await deployerDescribes()).toBe('allowed');
    // Bounded: the wait ends a second past the deadline, whatever the machine's load.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline.getTime() - Date.now()) + 1_100));
    expect(await deployerDescribes()).toBe('AccessDeniedException');
  });
});

