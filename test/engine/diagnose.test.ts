// The diagnosis engine on hand-built facts: one test per cause, the allowed case, grants, encryption
// context, cross-account combinations and partial visibility. No network, no sandbox.
import { keyRef } from '../helpers/parsed-input.js';
import { describe, expect, it } from 'vitest';
import type { Cause, CauseCode, Diagnosis } from '../../src/engine/cause.js';
import { diagnose, type DiagnoseOptions } from '../../src/engine/diagnose.js';
import type {
  DiagnosisFacts,
  GrantFacts,
  KeyFacts,
  KeyPolicyFacts,
  Observation,
  PolicyDocumentFacts,
  PrincipalPolicyFacts,
  SimulatorResult,
} from '../../src/engine/facts.js';
import { parseKmsError } from '../../src/engine/error-message-parser.js';
import { kmsRequestContext } from '../../src/engine/kms-request-context.js';
import { findOperation } from '../../src/engine/operations.js';
import { proposeFixes } from '../../src/engine/propose-fixes.js';

const A = '111122223333';
const B = '444455556666';
const region = 'us-east-1';
const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
const keyArn = `arn:aws:kms:${region}:${A}:key/${keyId}`;
const roleArn = (account: string) => `arn:aws:iam::${account}:role/AppRole`;
const sessionArn = (account: string) => `arn:aws:sts::${account}:assumed-role/AppRole/app-session`;

const document = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const rootStatement = (account: string) => ({
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${account}:root` },
  Action: 'kms:*',
  Resource: '*',
});
const adminStatement = {
  Sid: 'Allow access for Key Administrators',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${A}:user/admin` },
  Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Get*', 'kms:Disable*'],
  Resource: '*',
};
const allowKms = (actions: string | string[], resource = keyArn, extra: object = {}) => ({ Sid: 'UseKey', Effect: 'Allow', Action: actions, Resource: resource, ...extra });

interface Setup {
  readonly operation?: string;
  readonly principalAccount?: string;
  readonly keyInput?: string;
  readonly region?: string;
  readonly encryptionContext?: Record<string, string>;
  /** --context values. */
  readonly givenContext?: Record<string, string>;
  readonly organization?: DiagnosisFacts['organization'];
  readonly reportedError?: DiagnosisFacts['request']['reportedError'];
  readonly grantTokensFor?: readonly string[];
  readonly key?: Partial<KeyFacts> | Observation<KeyFacts>;
  readonly keyPolicy?: object | Observation<KeyPolicyFacts>;
  /** Inline policies by name, or an observation. */
  readonly identity?: Record<string, object> | Observation<PrincipalPolicyFacts>;
  readonly boundary?: object;
  readonly grants?: GrantFacts[] | Observation<readonly GrantFacts[]>;
  readonly simulation?: SimulatorResult[];
  readonly aliases?: Observation<readonly string[]>;
  readonly tags?: Observation<Readonly<Record<string, string>>>;
}

const isObservation = (value: unknown): value is Observation<never> => typeof value === 'object' && value !== null && 'status' in value;
const denied = (call: string, reason: 'access-denied' | 'not-found' | 'cross-account' = 'access-denied') =>
  ({ status: 'unreadable', reason, call, message: `User is not authorized to perform: ${call}` }) as const;

const inline = (name: string, doc: object): PolicyDocumentFacts => ({ name, kind: 'inline', text: JSON.stringify(doc), document: doc });

function facts(setup: Setup = {}): DiagnosisFacts {
  const account = setup.principalAccount ?? A;
  const operation = findOperation(setup.operation ?? 'Decrypt');
  if (!operation) throw new Error(`unknown operation ${setup.operation}`);
  const boundaryArn = `arn:aws:iam::${account}:policy/AppBoundary`;
  const key: Observation<KeyFacts> = isObservation(setup.key)
    ? setup.key
    : {
        status: 'known',
        value: {
          arn: keyArn,
          keyId,
          accountId: A,
          region,
          state: 'Enabled',
          enabled: true,
          manager: 'CUSTOMER',
          spec: 'SYMMETRIC_DEFAULT',
          usage: 'ENCRYPT_DECRYPT',
          origin: 'AWS_KMS',
          multiRegion: false,
          description: 'test key',
          ...setup.key,
        },
      };
  const keyPolicyDocument = setup.keyPolicy ?? document(rootStatement(A));
  const keyPolicy: Observation<KeyPolicyFacts> = isObservation(keyPolicyDocument)
    ? keyPolicyDocument
    : { status: 'known', value: { text: JSON.stringify(keyPolicyDocument), document: keyPolicyDocument } };
  const identitySetup = setup.identity ?? { 'use-key': document(allowKms(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'])) };
  const principalPolicies: Observation<PrincipalPolicyFacts> = isObservation(identitySetup)
    ? identitySetup
    : {
        status: 'known',
        value: {
          policies: Object.entries(identitySetup).map(([name, doc]) => inline(name, doc)),
          ...(setup.boundary ? { permissionsBoundary: { ...inline(boundaryArn, setup.boundary), kind: 'managed' as const, arn: boundaryArn } } : {}),
        },
      };
  const grants: Observation<readonly GrantFacts[]> =
    setup.grants === undefined || Array.isArray(setup.grants) ? { status: 'known', value: setup.grants ?? [] } : setup.grants;
  return {
    request: {
      operation,
      key: keyRef(setup.keyInput ?? keyArn),
      region: setup.region ?? region,
      ...(setup.encryptionContext ? { encryptionContext: setup.encryptionContext } : {}),
      ...(setup.givenContext ? { givenContext: setup.givenContext } : {}),
      ...(setup.reportedError ? { reportedError: setup.reportedError } : {}),
      ...(setup.grantTokensFor ? { grantTokensFor: setup.grantTokensFor } : {}),
    },
    ...(setup.organization ? { organization: setup.organization } : {}),
    caller: { status: 'known', value: { arn: sessionArn(account), accountId: account, userId: 'AROAEXAMPLE:app-session' } },
    principal: {
      status: 'known',
      value: {
        arn: sessionArn(account),
        entityArn: roleArn(account),
        kind: 'role',
        name: 'AppRole',
        accountId: account,
        ...(setup.boundary ? { permissionsBoundaryArn: boundaryArn } : {}),
      },
    },
    key,
    keyPolicy,
    grants,
    principalPolicies,
    simulation: setup.simulation ? { status: 'known', value: setup.simulation } : { status: 'skipped', why: 'not asked for in this test' },
    ...(setup.aliases ? { aliases: setup.aliases } : {}),
    ...(setup.tags ? { tags: setup.tags } : {}),
  };
}

const codes = (diagnosis: Diagnosis) => diagnosis.causes.map((c) => c.code);
function causeOf(diagnosis: Diagnosis, code: CauseCode): Cause {
  const cause = diagnosis.causes.find((c) => c.code === code);
  if (!cause) throw new Error(`no ${code} cause; causes: ${codes(diagnosis).join(', ') || 'none'}`);
  return cause;
}
const evidenceText = (cause: Cause) => JSON.stringify(cause.evidence);

describe('allowed', () => {
  it('allows when the key policy delegates to IAM and IAM allows every action', async () => {
    const diagnosis = await diagnose(facts({ operation: 's3:PutObject' }));
    expect(diagnosis.verdict).toBe('allowed');
    expect(diagnosis.causes).toEqual([]);
    expect(diagnosis.actionResults).toEqual([
      { action: 'kms:GenerateDataKey', decision: 'allowed', allowedBy: 'policies' },
      { action: 'kms:Decrypt', decision: 'allowed', allowedBy: 'policies' },
    ]);
    expect(diagnosis.principal).toBe(sessionArn(A));
    expect(diagnosis.key).toBe(keyArn);
    expect(diagnosis.notes.join(' ')).toContain('session policy');
  });

  it('allows a key policy naming the role directly, without any IAM policy', async () => {
    const keyPolicy = document(adminStatement, { Sid: 'AppUse', Effect: 'Allow', Principal: { AWS: roleArn(A) }, Action: 'kms:Decrypt', Resource: '*' });
    const diagnosis = await diagnose(facts({ keyPolicy, identity: {} }));
    expect(diagnosis.verdict).toBe('allowed');
  });
});

describe('key policy', () => {
  it('key-policy-no-iam-delegation: says the IAM allow is ignored when IAM would allow (the classic trap)', async () => {
    const diagnosis = await diagnose(facts({ keyPolicy: document(adminStatement) }));
    expect(diagnosis.verdict).toBe('denied');
    expect(codes(diagnosis)).toEqual(['key-policy-no-iam-delegation']);
    const cause = causeOf(diagnosis, 'key-policy-no-iam-delegation');
    expect(cause.layer).toBe('key-policy');
    expect(cause.actions).toEqual(['kms:Decrypt']);
    expect(cause.summary).toContain('does not name AppRole');
    expect(cause.summary).toContain("AppRole's IAM permissions are ignored");
    expect(cause.summary).toContain('they do allow kms:Decrypt');
    expect(cause.evidence.find((e) => e.what.startsWith('Statement letting IAM policies'))?.value).toBe('none in the key policy');
    expect(evidenceText(cause)).toContain('Allow access for Key Administrators');
    expect(evidenceText(cause)).toContain('allowed by use-key');
  });

  it('key-policy-no-iam-delegation: a root statement that does not cover the action is reported', async () => {
    const narrowRoot = { ...rootStatement(A), Action: ['kms:Describe*', 'kms:Get*'] };
    const diagnosis = await diagnose(facts({ keyPolicy: document(narrowRoot) }));
    const cause = causeOf(diagnosis, 'key-policy-no-iam-delegation');
    expect(evidenceText(cause)).toContain('names the account but does not cover kms:Decrypt');
    expect(cause.evidence.find((e) => e.statement?.statementId === 'Enable IAM User Permissions')).toBeDefined();
  });

  it('key-policy-no-iam-delegation: one cause lists every affected action', async () => {
    const diagnosis = await diagnose(facts({ operation: 's3:PutObject', keyPolicy: document(adminStatement) }));
    expect(codes(diagnosis)).toEqual(['key-policy-no-iam-delegation']);
    expect(causeOf(diagnosis, 'key-policy-no-iam-delegation').actions).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
  });

  it('explicit-deny in the key policy names the Sid and shows the context the condition tested', async () => {
    const deny = {
      Sid: 'DenyOutsideS3',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringNotEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    };
    const diagnosis = await diagnose(facts({ keyPolicy: document(rootStatement(A), deny) }));
    expect(diagnosis.verdict).toBe('denied');
    const cause = causeOf(diagnosis, 'explicit-deny');
    expect(cause.layer).toBe('key-policy');
    expect(cause.deniedBy).toEqual({ layer: 'key-policy', policyName: 'default', statementId: 'DenyOutsideS3', statementIndex: 1 });
    expect(cause.summary).toContain('DenyOutsideS3');
    expect(cause.summary).toContain('the key policy');
    expect(evidenceText(cause)).toContain('(not set in this request)');
    // Through S3 the same Deny does not apply.
    expect((await diagnose(facts({ operation: 's3:GetObject', keyPolicy: document(rootStatement(A), deny) }))).verdict).toBe('allowed');
  });

  it('honours encryption-context conditions in the key policy', async () => {
    const bucketOnly = {
      Sid: 'AppReadsGoodBucket',
      Effect: 'Allow',
      Principal: { AWS: roleArn(A) },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::good-bucket' } },
    };
    const keyPolicy = document(adminStatement, bucketOnly);
    const good = await diagnose(facts({ keyPolicy, identity: {}, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::good-bucket' } }));
    expect(good.verdict).toBe('allowed');
    const other = await diagnose(facts({ keyPolicy, identity: {}, encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::other-bucket' } }));
    expect(other.verdict).toBe('denied');
    // The statement naming the role would allow it but for its condition: that is the cause, with key, expected and actual.
    const cause = causeOf(other, 'condition-not-met');
    expect(cause.layer).toBe('key-policy');
    expect(cause.evidence[0]?.statement).toMatchObject({ policyName: 'default', statementId: 'AppReadsGoodBucket' });
    expect(cause.evidence[1]?.value).toEqual({
      key: 'kms:EncryptionContext:aws:s3:arn',
      operator: 'StringEquals',
      expected: ['arn:aws:s3:::good-bucket'],
      actual: 'arn:aws:s3:::other-bucket',
    });
    expect(codes(other)).not.toContain('key-policy-no-iam-delegation');
  });

  it('a Deny on an encryption-context value refuses other values and lets the right one through', async () => {
    const deny = {
      Sid: 'OnlyPayroll',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:GenerateDataKey',
      Resource: '*',
      Condition: { StringNotEquals: { 'kms:EncryptionContext:department': 'payroll' } },
    };
    const keyPolicy = document(rootStatement(A), deny);
    expect((await diagnose(facts({ operation: 'GenerateDataKey', keyPolicy, encryptionContext: { department: 'payroll' } }))).verdict).toBe('allowed');
    const wrong = await diagnose(facts({ operation: 'GenerateDataKey', keyPolicy, encryptionContext: { department: 'sales' } }));
    expect(causeOf(wrong, 'explicit-deny').deniedBy?.statementId).toBe('OnlyPayroll');
    expect(evidenceText(causeOf(wrong, 'explicit-deny'))).toContain('"kms:EncryptionContext:department":"sales"');
  });
});

describe('identity side', () => {
  it('identity-policy-missing-actions names only the missing actions', async () => {
    const diagnosis = await diagnose(facts({ operation: 's3:PutObject', identity: { 'decrypt-only': document(allowKms('kms:Decrypt')) } }));
    expect(diagnosis.verdict).toBe('denied');
    expect(codes(diagnosis)).toEqual(['identity-policy-missing-actions']);
    const cause = causeOf(diagnosis, 'identity-policy-missing-actions');
    expect(cause.actions).toEqual(['kms:GenerateDataKey']);
    expect(cause.summary).toContain('adding it to an IAM policy of AppRole is enough');
    expect(diagnosis.actionResults).toEqual([
      { action: 'kms:GenerateDataKey', decision: 'denied' },
      { action: 'kms:Decrypt', decision: 'allowed', allowedBy: 'policies' },
    ]);
  });

  it('identity-policy-missing-actions: an IAM allow on the alias ARN does not cover the key', async () => {
    const onAlias = document(allowKms('kms:Decrypt', `arn:aws:kms:${region}:${A}:alias/orders`));
    const diagnosis = await diagnose(facts({ identity: { 'alias-only': onAlias } }));
    expect(codes(diagnosis)).toEqual(['identity-policy-missing-actions']);
    expect(evidenceText(causeOf(diagnosis, 'identity-policy-missing-actions'))).toContain('alias/orders');
  });

  it('explicit-deny in an identity policy names the policy and the Sid', async () => {
    const quarantine = document({ Sid: 'Quarantine', Effect: 'Deny', Action: 'kms:*', Resource: '*' });
    const diagnosis = await diagnose(facts({ identity: { 'use-key': document(allowKms('kms:Decrypt')), quarantine } }));
    expect(codes(diagnosis)).toEqual(['explicit-deny']);
    const cause = causeOf(diagnosis, 'explicit-deny');
    expect(cause.layer).toBe('identity-policy');
    expect(cause.deniedBy).toEqual({ layer: 'identity-policy', policyName: 'quarantine', statementId: 'Quarantine', statementIndex: 0 });
    expect(cause.summary).toContain("AppRole's IAM policy quarantine");
  });

  it('permissions-boundary: a boundary without KMS caps the IAM allow', async () => {
    const boundary = document({ Effect: 'Allow', Action: ['s3:*', 'ec2:*'], Resource: '*' });
    const diagnosis = await diagnose(facts({ boundary }));
    expect(codes(diagnosis)).toEqual(['permissions-boundary']);
    const cause = causeOf(diagnosis, 'permissions-boundary');
    expect(cause.layer).toBe('permissions-boundary');
    expect(cause.summary).toContain('arn:aws:iam::111122223333:policy/AppBoundary');
    expect(cause.actions).toEqual(['kms:Decrypt']);
  });

  it('explicit-deny in a permissions boundary', async () => {
    const boundary = document({ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoKeyUse', Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' });
    const cause = causeOf(await diagnose(facts({ boundary })), 'explicit-deny');
    expect(cause.layer).toBe('permissions-boundary');
    expect(cause.deniedBy?.statementId).toBe('NoKeyUse');
  });

  it('session-policy: a session policy without KMS', async () => {
    const options: DiagnoseOptions = { sessionPolicy: { name: 'session policy', document: document({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) } };
    const diagnosis = await diagnose(facts(), options);
    expect(codes(diagnosis)).toEqual(['session-policy']);
    expect(causeOf(diagnosis, 'session-policy').layer).toBe('session-policy');
  });

  it('explicit-deny in a service control policy and in a resource control policy', async () => {
    const allowAll = { Effect: 'Allow', Action: '*', Resource: '*' };
    const scp: DiagnoseOptions = {
      serviceControlPolicies: [{ level: 'root', policies: [{ name: 'DenyKmsDecrypt', document: document(allowAll, { Sid: 'NoDecrypt', Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }) }] }],
    };
    const bySCP = causeOf(await diagnose(facts(), scp), 'explicit-deny');
    expect(bySCP.deniedBy).toMatchObject({ layer: 'scp', policyName: 'DenyKmsDecrypt', statementId: 'NoDecrypt' });
    const rcp: DiagnoseOptions = {
      resourceControlPolicies: [
        {
          level: 'root',
          policies: [{ name: 'DataPerimeter', document: document({ Sid: 'OrgOnly', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } }) }],
        },
      ],
    };
    // aws:PrincipalOrgID is unknown here (no organization facts): never an explicit deny that depends on it.
    const unknownOrg = await diagnose(facts(), rcp);
    expect(unknownOrg.verdict).toBe('unknown');
    expect(codes(unknownOrg)).toEqual(['condition-unknown']);
    const unknownCause = causeOf(unknownOrg, 'condition-unknown');
    expect(unknownCause.layer).toBe('rcp');
    expect(unknownCause.evidence[0]?.value).toBe('aws:PrincipalOrgID');
    expect(unknownCause.evidence[2]?.value).toContain('o-abcdefghij');
    // Given with --context, the value decides: another organization is refused by the Deny.
    const outsider = await diagnose(facts({ givenContext: { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz' } }), rcp);
    const byRCP = causeOf(outsider, 'explicit-deny');
    expect(byRCP.deniedBy).toMatchObject({ layer: 'rcp', policyName: 'DataPerimeter', statementId: 'OrgOnly' });
    const member = await diagnose(facts({ givenContext: { 'aws:PrincipalOrgID': 'o-abcdefghij' } }), rcp);
    expect(member.verdict).toBe('allowed');
  });
});

describe('cross account', () => {
  const partnerIam = { 'use-partner-key': document(allowKms(['kms:Decrypt', 'kms:DescribeKey'])) };

  it('allows when the key policy allows the account and IAM allows the key', async () => {
    const diagnosis = await diagnose(facts({ principalAccount: B, keyPolicy: document(rootStatement(A), rootStatement(B)), identity: partnerIam }));
    expect(diagnosis.verdict).toBe('allowed');
  });

  it('cross-account-key-policy when only the IAM side is configured', async () => {
    const diagnosis = await diagnose(facts({ principalAccount: B, identity: partnerIam }));
    expect(codes(diagnosis)).toEqual(['cross-account-key-policy']);
    const cause = causeOf(diagnosis, 'cross-account-key-policy');
    expect(cause.summary).toContain(`account ${B}`);
    expect(evidenceText(cause)).toContain('none in the key policy');
  });

  it('cross-account-identity-policy when only the key policy side is configured', async () => {
    const diagnosis = await diagnose(facts({ principalAccount: B, keyPolicy: document(rootStatement(A), rootStatement(B)), identity: { other: document(allowKms('kms:Decrypt', `arn:aws:kms:${region}:${B}:key/*`)) } }));
    expect(codes(diagnosis)).toEqual(['cross-account-identity-policy']);
    expect(causeOf(diagnosis, 'cross-account-identity-policy').actions).toEqual(['kms:Decrypt']);
  });

  it('reports both cross-account causes when neither side is configured', async () => {
    const diagnosis = await diagnose(facts({ principalAccount: B, identity: {} }));
    expect(codes(diagnosis)).toEqual(['cross-account-key-policy', 'cross-account-identity-policy']);
  });

  it('aws-managed-key-cross-account: an AWS managed key cannot serve another account', async () => {
    const managedPolicy = document({
      Sid: 'Allow access through EBS for all principals in the account that are authorized to use EBS',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:CreateGrant', 'kms:DescribeKey', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': A, 'kms:ViaService': `ec2.${region}.amazonaws.com` } },
    });
    const diagnosis = await diagnose(
      facts({ operation: 'ec2:CopySnapshot', principalAccount: B, key: { manager: 'AWS', description: 'Default key that protects my EBS volumes when no other key is defined' }, keyPolicy: managedPolicy, identity: { all: document(allowKms('kms:*')) } }),
    );
    expect(diagnosis.verdict).toBe('denied');
    expect(diagnosis.causes[0]?.code).toBe('aws-managed-key-cross-account');
    expect(codes(diagnosis)).not.toContain('cross-account-key-policy');
    expect(causeOf(diagnosis, 'aws-managed-key-cross-account').summary).toContain('customer managed key');
    expect(diagnosis.actionResults.every((r) => r.decision === 'denied')).toBe(true);
  });
});

describe('grants', () => {
  const grant = (extra: Partial<GrantFacts> = {}): GrantFacts => ({
    grantId: 'grant-1',
    name: 'app-decrypt',
    granteePrincipal: roleArn(A),
    operations: ['Decrypt', 'DescribeKey'],
    constraints: { encryptionContextSubset: { department: 'hr' } },
    ...extra,
  });

  it('a grant for the principal allows what the policies do not', async () => {
    const diagnosis = await diagnose(facts({ keyPolicy: document(adminStatement), identity: {}, grants: [grant()], encryptionContext: { department: 'hr', extra: 'x' } }));
    expect(diagnosis.verdict).toBe('allowed');
    expect(diagnosis.actionResults).toEqual([{ action: 'kms:Decrypt', decision: 'allowed', allowedBy: 'grant' }]);
    expect(diagnosis.notes.join(' ')).toContain('grant-1');
  });

  it('a grant to the role session ARN counts too', async () => {
    const diagnosis = await diagnose(facts({ keyPolicy: document(adminStatement), identity: {}, grants: [grant({ granteePrincipal: sessionArn(A), constraints: {} })] }));
    expect(diagnosis.verdict).toBe('allowed');
  });

  it('does not apply when its encryption-context constraint, operations or grantee do not match', async () => {
    const keyPolicy = document(adminStatement);
    const base = { keyPolicy, identity: {} };
    const setups: Setup[] = [
      { ...base, grants: [grant()], encryptionContext: { department: 'sales' } },
      { ...base, grants: [grant({ constraints: { encryptionContextEquals: { department: 'hr' } } })], encryptionContext: { department: 'hr', extra: 'x' } },
      { ...base, grants: [grant({ operations: ['Encrypt'] })], encryptionContext: { department: 'hr' } },
      { ...base, grants: [grant({ granteePrincipal: `arn:aws:iam::${A}:role/Other` })], encryptionContext: { department: 'hr' } },
    ];
    for (const [index, setup] of setups.entries()) {
      const diagnosis = await diagnose(facts(setup));
      expect(diagnosis.verdict).toBe('denied');
      // A grant made for this principal and operation, refused only by its constraint, is the cause (not a missing IAM allow).
      if (index < 2) {
        expect(codes(diagnosis)).toEqual(['grant-constraint-mismatch']);
        expect(causeOf(diagnosis, 'grant-constraint-mismatch').evidence[0]?.value).toMatchObject({ grantId: expect.any(String) });
      } else expect(codes(diagnosis)).toContain('key-policy-no-iam-delegation');
    }
  });

  it('an explicit deny wins over a grant', async () => {
    const keyPolicy = document(adminStatement, { Sid: 'NoDecrypt', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' });
    const diagnosis = await diagnose(facts({ keyPolicy, grants: [grant({ constraints: {} })] }));
    expect(diagnosis.verdict).toBe('denied');
    expect(codes(diagnosis)).toEqual(['explicit-deny']);
  });

  it('grant-creation-denied: a service needs kms:CreateGrant that IAM does not allow', async () => {
    const identity = { ebs: document(allowKms(['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncrypt*'])) };
    const diagnosis = await diagnose(facts({ operation: 'ec2:RunInstances', identity }));
    expect(codes(diagnosis)).toEqual(['grant-creation-denied']);
    const cause = causeOf(diagnosis, 'grant-creation-denied');
    expect(cause.layer).toBe('identity-policy');
    expect(cause.actions).toEqual(['kms:CreateGrant']);
    expect(cause.summary).toContain('EC2 creates a grant');
    expect(cause.evidence[0]).toMatchObject({ what: 'kms:GrantIsForAWSResource', value: 'true' });
  });

  it('grant-creation-denied: a direct CreateGrant when IAM allows it only for AWS resources', async () => {
    const identity = { grants: document(allowKms('kms:CreateGrant', keyArn, { Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } })) };
    const diagnosis = await diagnose(facts({ operation: 'CreateGrant', identity }));
    const cause = causeOf(diagnosis, 'condition-not-met');
    expect(cause.layer).toBe('identity-policy');
    expect(cause.evidence[1]?.value).toEqual({ key: 'kms:GrantIsForAWSResource', operator: 'Bool', expected: ['true'], actual: null });
  });

  it('grant-creation-denied on the key-policy side, across accounts', async () => {
    const keyPolicy = document(rootStatement(A), { Sid: 'PartnerUse', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${B}:root` }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' });
    const diagnosis = await diagnose(facts({ operation: 'rds:RestoreDBInstanceFromDBSnapshot', principalAccount: B, keyPolicy, identity: { all: document(allowKms('kms:*')) } }));
    expect(codes(diagnosis)).toEqual(['grant-creation-denied']);
    const cause = causeOf(diagnosis, 'grant-creation-denied');
    expect(cause.layer).toBe('key-policy');
    expect(cause.actions).toEqual(['kms:CreateGrant']);
    expect(evidenceText(cause)).toContain('names the account but does not cover kms:CreateGrant');
  });
});

describe('key identifier and key state', () => {
  it('key-disabled, reported even when the policies would also deny', async () => {
    const diagnosis = await diagnose(facts({ key: { state: 'Disabled', enabled: false }, keyPolicy: document(adminStatement) }));
    expect(codes(diagnosis)).toEqual(['key-disabled', 'key-policy-no-iam-delegation']);
    expect(causeOf(diagnosis, 'key-disabled').layer).toBe('key-state');
  });

  it('key-disabled does not refuse DescribeKey', async () => {
    const diagnosis = await diagnose(facts({ operation: 'DescribeKey', key: { state: 'Disabled', enabled: false } }));
    expect(diagnosis.verdict).toBe('allowed');
  });

  it('key-pending-deletion gives the deletion date', async () => {
    const diagnosis = await diagnose(facts({ key: { state: 'PendingDeletion', enabled: false, deletionDate: '2026-10-01T00:00:00Z' } }));
    const cause = causeOf(diagnosis, 'key-pending-deletion');
    expect(cause.summary).toContain('2026-10-01T00:00:00Z');
    expect(cause.evidence).toContainEqual({ what: 'Deletion date', value: '2026-10-01T00:00:00Z', source: 'kms:DescribeKey' });
    expect(diagnosis.actionResults[0]?.decision).toBe('denied');
  });

  it('key-pending-import and key-unavailable', async () => {
    const imported = await diagnose(facts({ key: { state: 'PendingImport', enabled: false, origin: 'EXTERNAL' } }));
    expect(codes(imported)).toEqual(['key-pending-import']);
    const unavailable = await diagnose(facts({ key: { state: 'Unavailable', enabled: false, origin: 'EXTERNAL_KEY_STORE' } }));
    expect(codes(unavailable)).toEqual(['key-unavailable']);
    expect(causeOf(unavailable, 'key-unavailable').summary).toContain('custom key store');
  });

  it('wrong-region: the key ARN names another Region than the call', async () => {
    const diagnosis = await diagnose(facts({ keyInput: `arn:aws:kms:eu-west-1:${A}:key/${keyId}`, key: denied('kms:DescribeKey', 'not-found'), keyPolicy: denied('kms:GetKeyPolicy', 'not-found'), grants: denied('kms:ListGrants', 'not-found') }));
    expect(codes(diagnosis)).toEqual(['wrong-region']);
    const cause = causeOf(diagnosis, 'wrong-region');
    expect(cause.layer).toBe('request');
    expect(cause.summary).toContain('Region eu-west-1');
    expect(cause.summary).toContain(region);
    expect(diagnosis.verdict).toBe('denied');
  });

  it('alias-cross-account: an alias name used for a key in another account', async () => {
    const diagnosis = await diagnose(facts({ principalAccount: B, keyInput: 'alias/shared', keyPolicy: document(rootStatement(A), rootStatement(B)) }));
    const cause = causeOf(diagnosis, 'alias-cross-account');
    expect(diagnosis.causes[0]).toBe(cause);
    expect(cause.summary).toContain("caller's own account (444455556666)");
    expect(cause.summary).toContain('key ARN');
    expect(evidenceText(cause)).toContain(keyArn);
  });

  it('key-not-found: the key does not exist', async () => {
    const diagnosis = await diagnose(facts({ keyInput: 'alias/missing', key: denied('kms:DescribeKey', 'not-found'), keyPolicy: denied('kms:GetKeyPolicy', 'not-found'), grants: denied('kms:ListGrants', 'not-found') }));
    expect(codes(diagnosis)).toEqual(['key-not-found']);
    expect(causeOf(diagnosis, 'key-not-found').summary).toContain('No alias alias/missing exists in account 111122223333');
    expect(diagnosis.unverified.filter((u) => u.what.includes('key'))).toEqual([]);
  });

  it('operation-not-cross-account: a management operation on a key in another account', async () => {
    const diagnosis = await diagnose(facts({ operation: 'GetKeyPolicy', principalAccount: B, keyPolicy: document(rootStatement(A), rootStatement(B)), identity: { all: document(allowKms('kms:*')) } }));
    expect(causeOf(diagnosis, 'operation-not-cross-account').summary).toContain('cannot be used on a key in another account');
  });
});

describe('partial visibility', () => {
  it('unreadable key policy, identity allows: verdict unknown, with how to read the key policy', async () => {
    const diagnosis = await diagnose(facts({ principalAccount: B, keyPolicy: denied('kms:GetKeyPolicy', 'cross-account'), grants: denied('kms:ListGrants'), identity: { partner: document(allowKms('kms:Decrypt')) } }));
    expect(diagnosis.verdict).toBe('unknown');
    expect(diagnosis.causes).toEqual([]);
    expect(diagnosis.actionResults).toEqual([{ action: 'kms:Decrypt', decision: 'unknown' }]);
    const keyPolicy = diagnosis.unverified.find((u) => u.what.startsWith('The key policy'));
    expect(keyPolicy?.howToVerify).toContain(`--key-profile PROFILE (credentials in account ${A})`);
    expect(keyPolicy?.why).toContain('kms:GetKeyPolicy');
    expect(diagnosis.unverified.some((u) => u.what.startsWith('Grants on the key'))).toBe(true);
  });

  it('unreadable key policy, identity lacks the action: still reports the identity-side cause', async () => {
    const same = await diagnose(facts({ keyPolicy: denied('kms:GetKeyPolicy'), identity: { nothing: document({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) } }));
    expect(same.verdict).toBe('denied');
    expect(codes(same)).toEqual(['identity-policy-missing-actions']);
    expect(causeOf(same, 'identity-policy-missing-actions').summary).toContain('could not be read');
    expect(same.unverified.find((u) => u.what.startsWith('The key policy'))?.howToVerify).toContain('kms:GetKeyPolicy');
    const cross = await diagnose(facts({ principalAccount: B, keyPolicy: denied('kms:GetKeyPolicy', 'cross-account'), identity: {} }));
    expect(codes(cross)).toEqual(['cross-account-identity-policy']);
  });

  it('unreadable IAM policies: key-policy causes are still found, and IAM is listed as unverified', async () => {
    const identity = denied('iam:ListRolePolicies');
    const noDelegation = await diagnose(facts({ keyPolicy: document(adminStatement), identity }));
    expect(codes(noDelegation)).toEqual(['key-policy-no-iam-delegation']);
    expect(causeOf(noDelegation, 'key-policy-no-iam-delegation').summary).toContain('whatever they say');
    expect(noDelegation.unverified.find((u) => u.what.includes('IAM policies'))?.howToVerify).toContain('--profile PROFILE');
    const delegates = await diagnose(facts({ identity }));
    expect(delegates.verdict).toBe('unknown');
  });

  it('nothing readable about the principal: unknown, never a crash', async () => {
    const base = facts();
    const diagnosis = await diagnose({ ...base, caller: denied('sts:GetCallerIdentity'), principal: denied('iam:GetRole'), principalPolicies: denied('iam:ListRolePolicies') });
    expect(diagnosis.verdict).toBe('unknown');
    expect(diagnosis.unverified.map((u) => u.what)).toEqual(expect.arrayContaining(['Who is calling']));
  });
});

describe("IAM's simulator cross-check", () => {
  const result = (decision: SimulatorResult['decision']): SimulatorResult => ({ action: 'kms:Decrypt', decision, matchedStatements: [], missingContextValues: ['kms:ViaService'] });

  it('adds a note when IAM simulator and the local identity evaluation disagree, without changing the verdict', async () => {
    const diagnosis = await diagnose(facts({ simulation: [result('implicitDeny')] }));
    expect(diagnosis.verdict).toBe('allowed');
    const note = diagnosis.notes.find((n) => n.includes("IAM's policy simulator"));
    expect(note).toContain('not allowed (implicitly denied)');
    expect(note).toContain('kms:ViaService');
  });

  it('says nothing when they agree', async () => {
    const diagnosis = await diagnose(facts({ simulation: [result('allowed')] }));
    expect(diagnosis.notes.some((n) => n.includes('simulator'))).toBe(false);
    expect(diagnosis.unverified.some((u) => u.what.includes('simulator'))).toBe(false);
  });
});

describe('attribute-based access control (tags and aliases of the key)', () => {
  const byTag = { abac: document(allowKms('kms:Decrypt', `arn:aws:kms:${region}:${A}:key/*`, { Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } } })) };
  const byAlias = { abac: document(allowKms('kms:Decrypt', '*', { Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/abac' } } })) };

  it('an IAM allow on aws:ResourceTag/team allows the key tagged so, and only that one', async () => {
    expect((await diagnose(facts({ identity: byTag, tags: { status: 'known', value: { team: 'blue' } } }))).verdict).toBe('allowed');
    const other = await diagnose(facts({ identity: byTag, tags: { status: 'known', value: { team: 'red' } } }));
    // The tag condition is what fails: condition-not-met names it with the value the key has.
    expect(codes(other)).toEqual(['condition-not-met']);
  });

  it('an IAM allow on kms:ResourceAliases allows the key the alias points at', async () => {
    expect((await diagnose(facts({ identity: byAlias, aliases: { status: 'known', value: ['alias/other', 'alias/abac'] } }))).verdict).toBe('allowed');
    expect((await diagnose(facts({ identity: byAlias, aliases: { status: 'known', value: ['alias/other'] } }))).verdict).toBe('denied');
  });

  it('unreadable tags are listed as unverified only when a policy tests a tag', async () => {
    const tags = denied('kms:ListResourceTags');
    const tested = await diagnose(facts({ identity: byTag, tags }));
    expect(tested.unverified.map((u) => u.what)).toContain('The tags of the key, which an aws:ResourceTag condition tests');
    const untested = await diagnose(facts({ tags, aliases: denied('kms:ListAliases') }));
    expect(untested.verdict).toBe('allowed');
    expect(untested.unverified.filter((u) => /tags|aliases/.test(u.what))).toEqual([]);
  });
});

describe('request context', () => {
  it('has aws:ResourceTag/<key> for every tag of the key and kms:ResourceAliases for its aliases', () => {
    const context = kmsRequestContext(
      { entityArn: roleArn(A), accountId: A, kind: 'role' },
      { action: 'kms:Decrypt', key: { spec: 'SYMMETRIC_DEFAULT', usage: 'ENCRYPT_DECRYPT', origin: 'AWS_KMS', multiRegion: false, aliases: ['alias/a'], tags: { team: 'blue', env: 'prod' } } },
    );
    expect(context).toMatchObject({ 'aws:ResourceTag/team': 'blue', 'aws:ResourceTag/env': 'prod', 'kms:ResourceAliases': ['alias/a'] });
  });

  it('has the principal, ViaService, grant, encryption-context, key and alias keys', () => {
    const context = kmsRequestContext(
      { entityArn: roleArn(A), accountId: A, kind: 'role', userId: 'AROAEXAMPLE:s', name: 'AppRole' },
      {
        action: 'kms:CreateGrant',
        viaService: `ec2.${region}.amazonaws.com`,
        encryptionContext: { 'aws:ebs:id': 'vol-1' },
        key: { spec: 'SYMMETRIC_DEFAULT', usage: 'ENCRYPT_DECRYPT', origin: 'AWS_KMS', multiRegion: false },
        requestAlias: 'alias/ebs',
      },
    );
    expect(context).toEqual({
      'aws:PrincipalArn': roleArn(A),
      'aws:PrincipalIsAWSService': 'false',
      'aws:PrincipalAccount': A,
      'aws:PrincipalType': 'AssumedRole',
      'aws:userid': 'AROAEXAMPLE:s',
      'aws:SecureTransport': 'true',
      'kms:CallerAccount': A,
      'kms:KeySpec': 'SYMMETRIC_DEFAULT',
      'kms:KeyUsage': 'ENCRYPT_DECRYPT',
      'kms:KeyOrigin': 'AWS_KMS',
      'kms:MultiRegion': 'false',
      'kms:RequestAlias': 'alias/ebs',
      'kms:ViaService': `ec2.${region}.amazonaws.com`,
      'aws:ViaAWSService': 'true',
      'kms:GrantIsForAWSResource': 'true',
      'kms:EncryptionContextKeys': ['aws:ebs:id'],
      'kms:EncryptionContext:aws:ebs:id': 'vol-1',
    });
  });

  it('sets no service keys for a direct call', () => {
    const context = kmsRequestContext({ entityArn: `arn:aws:iam::${A}:user/alice`, accountId: A, kind: 'user', name: 'alice' }, { action: 'kms:CreateGrant' });
    expect(context['kms:GrantIsForAWSResource']).toBeUndefined();
    expect(context['kms:ViaService']).toBeUndefined();
    expect(context['aws:PrincipalType']).toBe('User');
    expect(context['aws:username']).toBe('alice');
  });
});

describe('every layer read, or the verdict says it was not (issue 8)', () => {
  const scpLevels = (document: object) => ({ status: 'known' as const, value: [{ level: 'r-abcd', policies: [{ name: 'Guard', arn: 'arn:aws:organizations::999999999999:policy/o-abcdefghij/service_control_policy/p-guard', document }] }] });
  const member = (overrides: object = {}): DiagnosisFacts['organization'] => ({
    status: 'known',
    value: {
      inOrganization: true,
      id: 'o-abcdefghij',
      managementAccountId: '999999999999',
      principalOrgPaths: ['o-abcdefghij/r-abcd/'],
      serviceControlPolicies: scpLevels(document({ Effect: 'Allow', Action: '*', Resource: '*' })),
      resourceControlPolicies: { status: 'known', value: [] },
      ...overrides,
    },
  });
  const refused = { status: 'unreadable' as const, reason: 'access-denied' as const, call: 'organizations:ListPoliciesForTarget', message: "You don't have permissions to access this resource." };

  it('an organization whose SCPs could not be read: unknown, never allowed, naming who can read them', async () => {
    const diagnosis = await diagnose(facts({ organization: member({ serviceControlPolicies: refused }) }));
    expect(diagnosis.verdict).toBe('unknown');
    const entry = diagnosis.unverified.find((u) => u.what.includes('service control policies'))!;
    expect(entry.howToVerify).toContain('management account (999999999999)');
    expect(entry.howToVerify).toContain('--org-profile');
    // Outside any organization, nothing is missing.
    expect((await diagnose(facts({ organization: { status: 'known', value: { inOrganization: false } } }))).verdict).toBe('allowed');
  });

  it('SCPs read from the organization refuse as they say, and fill aws:PrincipalOrgID for a data perimeter', async () => {
    const deny = scpLevels(document({ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'NoDecrypt', Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }));
    const byScp = await diagnose(facts({ organization: member({ serviceControlPolicies: deny }) }));
    expect(byScp.causes[0]).toMatchObject({ code: 'explicit-deny', layer: 'scp', deniedBy: { layer: 'scp', statementId: 'NoDecrypt' } });
    const perimeter = document(rootStatement(A), { Sid: 'OrgOnly', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } });
    // A member of the organization is not refused by the perimeter (the false explicit deny of issue 8).
    expect((await diagnose(facts({ keyPolicy: perimeter, organization: member() }))).verdict).toBe('allowed');
  });

  it('AWS blamed a layer the evaluation found allowing: unknown, and the disagreement is stated as evidence', async () => {
    const reportedError = parseKmsError(
      `An error occurred (AccessDeniedException) when calling the Decrypt operation: User: ${sessionArn(A)} is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no identity-based policy allows the kms:Decrypt action`,
    )!;
    const diagnosis = await diagnose(facts({ reportedError }));
    expect(diagnosis.verdict).toBe('unknown');
    expect(diagnosis.notes.join(' ')).toContain('Reported denied but evaluates allowed');
    expect(diagnosis.unverified.some((u) => u.why.includes("AWS's error says"))).toBe(true);
  });

  it('InvalidCiphertextException and IncorrectKeyException are look-alikes of a denial', async () => {
    const invalid = parseKmsError('An error occurred (InvalidCiphertextException) when calling the Decrypt operation: ')!;
    expect(codes(await diagnose(facts({ reportedError: invalid })))).toEqual(['encryption-context-mismatch']);
    const incorrect = parseKmsError('An error occurred (IncorrectKeyException) when calling the Decrypt operation: The key ID in the request does not identify a CMK that can perform this operation.')!;
    expect(codes(await diagnose(facts({ reportedError: incorrect })))).toEqual(['incorrect-key']);
  });
});

describe('causes of issue 8 found in the key and its grants', () => {
  it('aws-managed-key-direct-use: an AWS managed key called directly', async () => {
    const diagnosis = await diagnose(facts({ key: { manager: 'AWS' }, keyInput: 'alias/aws/s3' }));
    expect(diagnosis.causes[0]?.code).toBe('aws-managed-key-direct-use');
    // Through its service it is not that cause.
    expect(codes(await diagnose(facts({ key: { manager: 'AWS' }, operation: 's3:GetObject' })))).not.toContain('aws-managed-key-direct-use');
  });

  it('key-state-transient: Updating means wait, not reconnect a key store', async () => {
    const diagnosis = await diagnose(facts({ key: { state: 'Updating', enabled: true, multiRegion: true } }));
    expect(codes(diagnosis)).toEqual(['key-state-transient']);
    expect(diagnosis.causes[0]!.summary).toContain('wait');
    expect(diagnosis.causes[0]!.summary).not.toContain('key store');
  });

  it('key-usage-mismatch: a SIGN_VERIFY key cannot encrypt', async () => {
    const diagnosis = await diagnose(facts({ operation: 'Encrypt', key: { usage: 'SIGN_VERIFY', spec: 'ECC_NIST_P256' } }));
    expect(codes(diagnosis)).toEqual(['key-usage-mismatch']);
  });

  it('principal-recreated: the key policy names a unique ID where the role ARN stood', async () => {
    const keyPolicy = document(adminStatement, { Sid: 'App', Effect: 'Allow', Principal: { AWS: 'AROAEXAMPLEOLDROLEID1' }, Action: 'kms:Decrypt', Resource: '*' });
    const diagnosis = await diagnose(facts({ keyPolicy, identity: {} }));
    expect(codes(diagnosis)).toContain('principal-recreated');
    expect(evidenceText(causeOf(diagnosis, 'principal-recreated'))).toContain('AROAEXAMPLEOLDROLEID1');
  });

  it('grant-recently-created: a minutes-old grant and a reported denial mean wait or use the grant token', async () => {
    const reportedError = parseKmsError(
      `An error occurred (AccessDeniedException) when calling the Decrypt operation: User: ${sessionArn(A)} is not authorized to perform: kms:Decrypt on resource: ${keyArn} because no resource-based policy allows the kms:Decrypt action`,
    )!;
    const fresh: GrantFacts = { grantId: 'g-new', granteePrincipal: roleArn(A), operations: ['Decrypt'], creationDate: new Date(Date.now() - 30_000).toISOString() };
    const diagnosis = await diagnose(facts({ keyPolicy: document(adminStatement), identity: {}, grants: [fresh], reportedError }));
    expect(codes(diagnosis)).toEqual(['grant-recently-created']);
    // An old grant that allows it: allowed, AWS's report notwithstanding is a disagreement, not this cause.
    const old = { ...fresh, creationDate: '2020-01-01T00:00:00.000Z' };
    expect(codes(await diagnose(facts({ keyPolicy: document(adminStatement), identity: {}, grants: [old], reportedError })))).not.toContain('grant-recently-created');
  });

  it('grant-recently-created without an error: a grant that alone allows the call and may still be propagating is unknown, never allowed', async () => {
    const created = new Date(Date.now() - 30_000);
    const fresh: GrantFacts = { grantId: 'g-new', granteePrincipal: roleArn(A), operations: ['Decrypt'], creationDate: created.toISOString() };
    const pending = await diagnose(facts({ keyPolicy: document(adminStatement), identity: {}, grants: [fresh] }));
    expect(pending.verdict).toBe('unknown');
    expect(codes(pending)).toEqual(['grant-recently-created']);
    const inEffectBy = new Date(created.getTime() + 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(causeOf(pending, 'grant-recently-created').recentGrant).toMatchObject({ grantId: 'g-new', inEffectBy });
    expect(evidenceText(causeOf(pending, 'grant-recently-created'))).toContain(inEffectBy);
    // The fix changes the call, not a policy: pass the grant's token (proved by the same evaluation), or wait.
    const [fix] = proposeFixes(facts({ keyPolicy: document(adminStatement), identity: {}, grants: [fresh] }), pending);
    expect(fix!.requestChange).toEqual({ grantTokensFor: ['g-new'] });
    expect(fix!.explanation).toContain('--grant-tokens');
    expect(fix!.title).toContain(`wait until ${inEffectBy}`);
    // The call passes the grant's token: the grant is in effect at once.
    const held = await diagnose(facts({ keyPolicy: document(adminStatement), identity: {}, grants: [fresh], grantTokensFor: ['g-new'] }));
    expect(held.verdict).toBe('allowed');
    // A token for another grant does not help.
    expect((await diagnose(facts({ keyPolicy: document(adminStatement), identity: {}, grants: [fresh], grantTokensFor: ['g-other'] }))).verdict).toBe('unknown');
  });
});
