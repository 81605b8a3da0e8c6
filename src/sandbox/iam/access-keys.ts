// CreateAccessKey: a new long-term credential the sandbox accepts from then on. IAM allows two access
// keys per user, active or not ("Cannot exceed quota for AccessKeysPerUser: 2", e.g.
// simonw/s3-credentials#64). The secret appears in this one response only, never in a log line.
import { newAccessKeyId, newSecretAccessKey, nowIso } from '../ids.js';
import type { CredentialState } from '../state.js';
import { authorizeIam, userResource } from './iam-authorization.js';
import { callerAccount, findUser, limitExceeded, requireUser, setEntry, type OperationTable } from './iam-common.js';
import { targetUserName } from './users.js';

const accessKeysPerUser = 2;

type LongTermCredential = Extract<CredentialState, { kind: 'long-term' }>;

export const accessKeyOperations: OperationTable = {
  async CreateAccessKey(call, params) {
    const name = targetUserName(call, params);
    const accountId = call.caller.accountId;
    await authorizeIam(call, 'iam:CreateAccessKey', userResource(accountId, findUser(callerAccount(call.world.state, call), name), name));
    const credential = await call.world.mutate((draft) => {
      const user = requireUser(callerAccount(draft, call), name);
      const existing = Object.values(draft.credentials).filter(
        (c) => c.kind === 'long-term' && c.accountId === accountId && c.userName === user.name,
      );
      if (existing.length >= accessKeysPerUser) throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${accessKeysPerUser}`);
      const created: LongTermCredential = {
        kind: 'long-term',
        accessKeyId: newAccessKeyId(),
        secretAccessKey: newSecretAccessKey(),
        accountId,
        userName: user.name,
        status: 'Active',
        createDate: nowIso(),
      };
      setEntry(draft.credentials, created.accessKeyId, created);
      return created;
    });
    return {
      AccessKey: {
        UserName: credential.userName,
        AccessKeyId: credential.accessKeyId,
        Status: credential.status,
        SecretAccessKey: credential.secretAccessKey,
        CreateDate: credential.createDate,
      },
    };
  },
};
