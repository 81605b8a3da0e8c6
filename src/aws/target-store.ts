// The TargetStore of src/apply/ on the AWS SDK. KMS calls go to the key ARN's Region, with the key
// account's credentials (--key-profile) when the key is in another account than the caller's: key
// policies and key states can only be changed from the key's own account, and grants are best made
// there too. IAM calls (target-store-iam.ts) always use the caller's credentials. Every failure is an
// AwsCallError named after its call; PutKeyPolicy never bypasses KMS's lockout safety check.
import { accountRelation, parseKeyRef } from '../engine/identifiers.js';
import {
  CancelKeyDeletionCommand,
  CreateGrantCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetKeyPolicyCommand,
  PutKeyPolicyCommand,
  RevokeGrantCommand,
  ScheduleKeyDeletionCommand,
  type GrantOperation,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { KeyStateInfo, TargetStore } from '../apply/target-store.js';
import type { KeyStateName } from '../engine/facts.js';
import { AwsCallError } from './aws-errors.js';
import type { AwsClientSet, AwsSession } from './aws-session.js';
import { awsCall, iamTargetMethods } from './target-store-iam.js';

interface CallerIdentity {
  readonly arn: string;
  readonly accountId: string;
}

interface KeyLocation {
  readonly region: string;
  readonly accountId: string;
}

function locate(keyArn: string, call: string): KeyLocation {
  const key = parseKeyRef(keyArn);
  if (key?.kind !== 'key-arn') {
    throw new AwsCallError({ kind: 'validation', code: 'InvalidKeyArn', call, message: `${keyArn} is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)` });
  }
  return { region: key.region, accountId: key.account };
}

/** Like memo (aws-call.ts), but a failed start is forgotten, so the next caller tries again. */
function memoUntilFailure<T>(start: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    if (!promise) {
      const started = start();
      promise = started;
      started.catch(() => {
        if (promise === started) promise = undefined;
      });
    }
    return promise;
  };
}

const isoDate = (date: Date | undefined): string | undefined => (date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined);

export function createTargetStore(session: AwsSession): TargetStore {
  const caller = memoUntilFailure(async (): Promise<CallerIdentity> => {
    const output = await awsCall(session, 'sts:GetCallerIdentity', () => session.sts().send(new GetCallerIdentityCommand({})));
    if (!output.Arn || !output.Account) {
      throw new AwsCallError({ kind: 'other', code: 'EmptyResponse', call: 'sts:GetCallerIdentity', message: 'GetCallerIdentity returned no Arn or Account' });
    }
    return { arn: output.Arn, accountId: output.Account };
  });

  /** The clients for a key: the key account's when it is not the caller's and --key-profile was given. */
  const clientsFor = async (key: KeyLocation): Promise<AwsClientSet> => {
    const keyAccount = session.keyAccount;
    if (!keyAccount) return session;
    return accountRelation((await caller()).accountId, key.accountId) === 'same' ? session : keyAccount;
  };

  /** One KMS call on the key, sent to its Region with the right account's credentials. */
  async function kmsCall<T>(keyArn: string, call: string, run: (kms: KMSClient) => Promise<T>): Promise<T> {
    const key = locate(keyArn, call);
    const clients = await clientsFor(key);
    return awsCall(clients, call, () => run(clients.kms(key.region)), key.region);
  }

  return {
    async applierArn() {
      return (await caller()).arn;
    },

    async readKeyPolicy(keyArn) {
      const output = await kmsCall(keyArn, 'kms:GetKeyPolicy', (kms) => kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' })));
      if (output.Policy === undefined) throw new AwsCallError({ kind: 'other', code: 'EmptyResponse', call: 'kms:GetKeyPolicy', message: 'GetKeyPolicy returned no Policy' });
      return output.Policy;
    },

    async putKeyPolicy(keyArn, policy) {
      // BypassPolicyLockoutSafetyCheck is deliberately absent: KMS must refuse a policy that locks the applier out.
      await kmsCall(keyArn, 'kms:PutKeyPolicy', (kms) => kms.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: policy })));
    },

    async readKeyState(keyArn): Promise<KeyStateInfo> {
      const output = await kmsCall(keyArn, 'kms:DescribeKey', (kms) => kms.send(new DescribeKeyCommand({ KeyId: keyArn })));
      const metadata = output.KeyMetadata;
      if (!metadata?.KeyState) throw new AwsCallError({ kind: 'other', code: 'EmptyResponse', call: 'kms:DescribeKey', message: 'DescribeKey returned no KeyState' });
      const deletionDate = isoDate(metadata.DeletionDate);
      // AWS documents PendingDeletionWindowInDays for PendingReplicaDeletion only; it is kept whenever present.
      const window = metadata.PendingDeletionWindowInDays;
      return {
        state: metadata.KeyState as KeyStateName,
        ...(deletionDate !== undefined ? { deletionDate } : {}),
        ...(window !== undefined ? { pendingWindowInDays: window } : {}),
      };
    },

    async enableKey(keyArn) {
      await kmsCall(keyArn, 'kms:EnableKey', (kms) => kms.send(new EnableKeyCommand({ KeyId: keyArn })));
    },

    async disableKey(keyArn) {
      await kmsCall(keyArn, 'kms:DisableKey', (kms) => kms.send(new DisableKeyCommand({ KeyId: keyArn })));
    },

    async cancelKeyDeletion(keyArn) {
      await kmsCall(keyArn, 'kms:CancelKeyDeletion', (kms) => kms.send(new CancelKeyDeletionCommand({ KeyId: keyArn })));
    },

    async scheduleKeyDeletion(keyArn, pendingWindowInDays) {
      await kmsCall(keyArn, 'kms:ScheduleKeyDeletion', (kms) => kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyArn, PendingWindowInDays: pendingWindowInDays })));
    },

    async createGrant(keyArn, granteePrincipal, operations, name) {
      const output = await kmsCall(keyArn, 'kms:CreateGrant', (kms) =>
        kms.send(
          new CreateGrantCommand({
            KeyId: keyArn,
            GranteePrincipal: granteePrincipal,
            Operations: [...operations] as GrantOperation[],
            ...(name !== undefined ? { Name: name } : {}),
          }),
        ),
      );
      if (!output.GrantId) throw new AwsCallError({ kind: 'other', code: 'EmptyResponse', call: 'kms:CreateGrant', message: 'CreateGrant returned no GrantId' });
      return { grantId: output.GrantId, ...(output.GrantToken ? { grantToken: output.GrantToken } : {}) };
    },

    async revokeGrant(keyArn, grantId) {
      await kmsCall(keyArn, 'kms:RevokeGrant', (kms) => kms.send(new RevokeGrantCommand({ KeyId: keyArn, GrantId: grantId })));
    },

    ...iamTargetMethods(session, async () => (await caller()).arn),
  };
}
