// Hand-built facts for engine tests of the fixes: one key in account 111122223333, a role App, the
// key policy and IAM policies the test gives; everything else read and empty.
import { keyRef } from './parsed-input.js';
import { known, type DiagnosisFacts, type GrantFacts, type KeyFacts, type PolicyDocumentFacts, type PrincipalIdentity } from '../../src/engine/facts.js';
import { findOperation } from '../../src/engine/operations.js';

export const account = '111122223333';
export const otherAccount = '444455556666';
export const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const keyArn = `arn:aws:kms:us-east-1:${account}:key/${keyId}`;

export const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
export const rootStatement = { Sid: 'EnableIAM', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' };
export const adminStatement = { Sid: 'KeyAdmin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:user/admin` }, Action: 'kms:*', Resource: '*' };

export const roleIn = (accountId: string, name = 'App'): PrincipalIdentity => ({
  arn: `arn:aws:sts::${accountId}:assumed-role/${name}/s1`,
  entityArn: `arn:aws:iam::${accountId}:role/${name}`,
  kind: 'role',
  name,
  accountId,
});
export const inline = (name: string, document: object): PolicyDocumentFacts => ({ name, kind: 'inline', text: JSON.stringify(document), document });

export interface World {
  readonly operation?: string;
  readonly keyInput?: string;
  readonly keyPolicy: object;
  readonly key?: Partial<KeyFacts>;
  readonly principal?: PrincipalIdentity;
  readonly policies?: readonly PolicyDocumentFacts[];
  readonly grants?: readonly GrantFacts[];
  readonly aliases?: readonly string[];
  readonly encryptionContext?: Record<string, string>;
}

export function factsFor(world: World): DiagnosisFacts {
  const principal = world.principal ?? roleIn(account);
  return {
    request: {
      operation: findOperation(world.operation ?? 'Decrypt')!,
      key: keyRef(world.keyInput ?? keyArn),
      region: 'us-east-1',
      ...(world.encryptionContext ? { encryptionContext: world.encryptionContext } : {}),
    },
    caller: known({ arn: principal.arn, accountId: principal.accountId, userId: 'AROAEXAMPLE:s1' }),
    principal: known(principal),
    key: known({ arn: keyArn, keyId, accountId: account, region: 'us-east-1', state: 'Enabled', enabled: true, manager: 'CUSTOMER', spec: 'SYMMETRIC_DEFAULT', usage: 'ENCRYPT_DECRYPT', origin: 'AWS_KMS', multiRegion: false, description: '', ...world.key }),
    keyPolicy: known({ text: JSON.stringify(world.keyPolicy), document: world.keyPolicy }),
    grants: known(world.grants ?? []),
    principalPolicies: known({ policies: world.policies ?? [] }),
    simulation: { status: 'skipped', why: 'not needed here' },
    ...(world.aliases ? { aliases: known(world.aliases) } : {}),
  };
}
