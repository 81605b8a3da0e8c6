// A blank sandbox for apply tests: the real SDK-backed TargetStore as the administrator, plain SDK
// clients to build situations and look at the result, and backup directories that are checked for
// credentials when the sandbox stops.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, GetRolePolicyCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { expect } from 'vitest';
import type { TargetStore } from '../../src/apply/target-store.js';
import { createAwsSession, type AwsSession } from '../../src/aws/aws-session.js';
import { createTargetStore } from '../../src/aws/target-store.js';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';
import { pretty } from './fix-builders.js';

export const account = '111122223333';
export const region = 'us-east-1';
export const adminArn = `arn:aws:iam::${account}:user/admin`;
/** Small waits: the sandbox is consistent at once. */
export const fast = { attempts: 6, intervalMs: 5, consecutive: 2 };
const trust = pretty({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

export interface ApplySandbox {
  readonly sandbox: TestSandbox;
  readonly session: AwsSession;
  readonly store: TargetStore;
  readonly kms: KMSClient;
  readonly iam: IAMClient;
  backupDir(): string;
  newKey(policy?: string): Promise<string>;
  keyPolicy(keyArn: string): Promise<string>;
  newRole(name: string): Promise<string>;
  rolePolicy(roleArn: string, policyName: string): Promise<string | undefined>;
  /** A role whose inline policies the administrator may not write: every write to it fails. */
  roleTheApplierCannotChange(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startApplySandbox(): Promise<ApplySandbox> {
  const sandbox = await startTestSandbox('blank');
  const session = await createAwsSession({
    profile: 'admin',
    endpointUrl: sandbox.endpoint,
    env: { AWS_CONFIG_FILE: sandbox.configFile, AWS_SHARED_CREDENTIALS_FILE: sandbox.credentialsFile, AWS_EC2_METADATA_DISABLED: 'true' },
  });
  const credentials = userCredentials(sandbox, 'admin');
  const kms = new KMSClient({ endpoint: sandbox.endpoint, region, credentials });
  const iam = new IAMClient({ endpoint: sandbox.endpoint, region, credentials });
  const dirs: string[] = [];
  const newRole = async (name: string) => (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }))).Role!.Arn!;
  return {
    sandbox,
    session,
    store: createTargetStore(session),
    kms,
    iam,
    backupDir() {
      const dir = mkdtempSync(join(tmpdir(), 'kms-doctor-apply-'));
      dirs.push(dir);
      return dir;
    },
    newKey: async (policy) => (await kms.send(new CreateKeyCommand({ ...(policy ? { Policy: policy } : {}) }))).KeyMetadata!.Arn!,
    keyPolicy: async (keyArn) => (await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy!,
    newRole,
    async rolePolicy(roleArn, policyName) {
      try {
        const output = await iam.send(new GetRolePolicyCommand({ RoleName: roleArn.split('/').pop()!, PolicyName: policyName }));
        return decodeURIComponent(output.PolicyDocument!);
      } catch (error) {
        if ((error as Error).name.startsWith('NoSuchEntity')) return undefined;
        throw error;
      }
    },
    async roleTheApplierCannotChange(name) {
      const arn = await newRole(name);
      const deny = pretty({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:PutRolePolicy', Resource: arn }] });
      await iam.send(new PutUserPolicyCommand({ UserName: 'admin', PolicyName: `deny-${name}`, PolicyDocument: deny }));
      return arn;
    },
    async stop() {
      // No backup may hold a credential: every file written by every test is checked.
      for (const dir of dirs) {
        for (const name of readdirSync(dir)) {
          const text = readFileSync(join(dir, name), 'utf8');
          expect(text).not.toContain(credentials.accessKeyId);
          expect(text).not.toContain(credentials.secretAccessKey);
        }
        rmSync(dir, { recursive: true, force: true });
      }
      session.destroy();
      kms.destroy();
      iam.destroy();
      await sandbox.stop();
    },
  };
}
