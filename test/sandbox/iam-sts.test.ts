// IAM and STS in the sandbox, driven by the real AWS SDK v3 over HTTP: every response must parse with
// the SDK's own deserializers, and every error must reach the caller under AWS's wording and the name
// the SDK gives it (modelled IAM errors become <Code>Exception classes, e.g. NoSuchEntityException).
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyVersionCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  SetDefaultPolicyVersionCommand,
  SimulatePrincipalPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allow, failure, newUserWithKey, policy } from '../helpers/iam-calls.js';
import { accountA, accountB, startIamSandbox, type IamTestSandbox, type StaticCredentials } from '../helpers/iam-state.js';

let sandbox: IamTestSandbox;
let adminA: IAMClient;
let adminB: IAMClient;

const clientConfig = (credentials: StaticCredentials) => ({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const iamAs = (credentials: StaticCredentials) => new IAMClient(clientConfig(credentials));
const stsAs = (credentials: StaticCredentials) => new STSClient(clientConfig(credentials));

const trust = (principal: string) => policy({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' });

beforeAll(async () => {
  sandbox = await startIamSandbox();
  adminA = iamAs(sandbox.credentialsOf(accountA, 'admin'));
  adminB = iamAs(sandbox.credentialsOf(accountB, 'admin'));
});

afterAll(async () => {
  await sandbox?.running.close();
});

describe('IAM users and access keys', () => {
  it('creates and reads users; GetUser without a name describes the caller', async () => {
    const { User } = await adminA.send(new CreateUserCommand({ UserName: 'alice', Path: '/team/', Tags: [{ Key: 'team', Value: 'blue' }] }));
    expect(User).toMatchObject({ UserName: 'alice', Path: '/team/', Arn: `arn:aws:iam::${accountA}:user/team/alice` });
    expect(User!.UserId).toMatch(/^AIDA/);
    expect(User!.CreateDate).toBeInstanceOf(Date);
    expect((await adminA.send(new GetUserCommand({ UserName: 'alice' }))).User?.Tags).toEqual([{ Key: 'team', Value: 'blue' }]);
    expect((await adminA.send(new GetUserCommand({}))).User?.Arn).toBe(`arn:aws:iam::${accountA}:user/admin`);

    const duplicate = await failure(adminA.send(new CreateUserCommand({ UserName: 'ALICE' })));
    expect(duplicate.name).toBe('EntityAlreadyExistsException');
    expect(duplicate.message).toBe('User with name ALICE already exists.');
    const missing = await failure(adminA.send(new GetUserCommand({ UserName: 'nobody-here' })));
    expect(missing.name).toBe('NoSuchEntityException');
    expect(missing.message).toBe('The user with name nobody-here cannot be found.');
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it('allows two access keys per user', async () => {
    await newUserWithKey(adminA, 'keyholder');
    await adminA.send(new CreateAccessKeyCommand({ UserName: 'keyholder' }));
    const third = await failure(adminA.send(new CreateAccessKeyCommand({ UserName: 'keyholder' })));
    expect(third.name).toBe('LimitExceededException');
    expect(third.message).toBe('Cannot exceed quota for AccessKeysPerUser: 2');
  });

  it('refuses a user without IAM permissions with AWS wording, and logs the operation', async () => {
    await adminA.send(new CreateRoleCommand({ RoleName: 'AppRole', AssumeRolePolicyDocument: trust(`arn:aws:iam::${accountA}:root`) }));
    const nobody = iamAs(await newUserWithKey(adminA, 'nobody'));
    const denied = await failure(nobody.send(new GetRoleCommand({ RoleName: 'AppRole' })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect(denied.message).toBe(
      `User: arn:aws:iam::${accountA}:user/nobody is not authorized to perform: iam:GetRole on resource: role AppRole because no identity-based policy allows the iam:GetRole action`,
    );
    // Authorization comes before existence, so a missing role is refused the same way.
    expect((await failure(nobody.send(new GetRoleCommand({ RoleName: 'Ghost' })))).name).toBe('AccessDenied');
    const denyPolicy = await failure(nobody.send(new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: policy(allow('s3:*')) })));
    expect(denyPolicy.message).toContain(`on resource: policy arn:aws:iam::${accountA}:policy/p because`);
    expect(sandbox.log.some((line) => line.startsWith('iam:GetRole by arn:aws:iam::') && line.includes('-> 403 AccessDenied'))).toBe(true);
  });
});

describe('IAM roles and inline policies', () => {
  it('creates roles with a checked trust policy and returns it URL-encoded', async () => {
    const document = trust(`arn:aws:iam::${accountA}:user/admin`);
    const { Role } = await adminA.send(
      new CreateRoleCommand({ RoleName: 'Reader', Path: '/svc/', AssumeRolePolicyDocument: document, MaxSessionDuration: 7200 }),
    );
    expect(Role).toMatchObject({ RoleName: 'Reader', Arn: `arn:aws:iam::${accountA}:role/svc/Reader`, MaxSessionDuration: 7200 });
    const fetched = (await adminA.send(new GetRoleCommand({ RoleName: 'Reader' }))).Role!;
    expect(decodeURIComponent(fetched.AssumeRolePolicyDocument!)).toBe(document);
    expect(fetched.RoleId).toMatch(/^AROA/);

    const withResource = await failure(
      adminA.send(new CreateRoleCommand({ RoleName: 'Bad', AssumeRolePolicyDocument: policy({ ...allow('sts:AssumeRole'), Principal: { AWS: accountA } }) })),
    );
    expect(withResource.name).toBe('MalformedPolicyDocumentException');
    expect(withResource.message).toBe('Has prohibited field Resource');
    const ghost = await failure(adminA.send(new CreateRoleCommand({ RoleName: 'Bad', AssumeRolePolicyDocument: trust(`arn:aws:iam::${accountA}:user/ghost`) })));
    expect(ghost.message).toBe(`Invalid principal in policy: "AWS":"arn:aws:iam::${accountA}:user/ghost"`);
    expect((await failure(adminA.send(new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: document })))).message).toBe(
      'Role with name reader already exists.',
    );
    const other = trust(`arn:aws:iam::${accountB}:root`);
    await adminA.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Reader', PolicyDocument: other }));
    expect(decodeURIComponent((await adminA.send(new GetRoleCommand({ RoleName: 'Reader' }))).Role!.AssumeRolePolicyDocument!)).toBe(other);
    const missing = await failure(adminA.send(new GetRoleCommand({ RoleName: 'Nope' })));
    expect([missing.name, missing.message]).toEqual(['NoSuchEntityException', 'The role with name Nope cannot be found.']);
  });

  it('round-trips inline policies and enforces their grammar and size', async () => {
    const document = `{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]\n}`;
    await adminA.send(new PutRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'kms', PolicyDocument: document }));
    const got = await adminA.send(new GetRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'kms' }));
    expect(got.RoleName).toBe('Reader');
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(document);
    expect((await adminA.send(new ListRolePoliciesCommand({ RoleName: 'Reader' }))).PolicyNames).toEqual(['kms']);
    await adminA.send(new DeleteRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'kms' }));
    expect((await adminA.send(new ListRolePoliciesCommand({ RoleName: 'Reader' }))).PolicyNames).toEqual([]);
    const gone = await failure(adminA.send(new GetRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'kms' })));
    expect([gone.name, gone.message]).toEqual(['NoSuchEntityException', 'The role policy with name kms cannot be found.']);

    const syntax = await failure(adminA.send(new PutRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'x', PolicyDocument: '{"Statement": [' })));
    expect([syntax.name, syntax.message]).toEqual(['MalformedPolicyDocumentException', 'Syntax errors in policy.']);
    const principal = await failure(
      adminA.send(new PutRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'x', PolicyDocument: policy({ ...allow('s3:*'), Principal: '*' }) })),
    );
    expect(principal.message).toBe('Policy document should not specify a principal.');
    const badEffect = await failure(
      adminA.send(new PutRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'x', PolicyDocument: policy({ ...allow('s3:*'), Effect: 'Alow' }) })),
    );
    expect(badEffect.name).toBe('MalformedPolicyDocumentException');
    expect(badEffect.message).toContain('Effect');

    const big = policy(allow(Array.from({ length: 100 }, (_, i) => `s3:GetObjectVersion${i}`)));
    const tooBig = await failure(adminA.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'big', PolicyDocument: big })));
    expect([tooBig.name, tooBig.message]).toEqual(['LimitExceededException', 'Maximum policy size of 2048 bytes exceeded for user alice']);
    await adminA.send(new PutRolePolicyCommand({ RoleName: 'Reader', PolicyName: 'big', PolicyDocument: big }));
    await adminA.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'small', PolicyDocument: policy(allow('s3:GetObject')) }));
    expect(decodeURIComponent((await adminA.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'small' }))).PolicyDocument!)).toContain(
      's3:GetObject',
    );
  });
});

describe('IAM managed policies', () => {
  let arn: string;

  it('creates, attaches and detaches managed policies', async () => {
    const { Policy } = await adminA.send(new CreatePolicyCommand({ PolicyName: 'KmsUse', PolicyDocument: policy(allow('kms:Encrypt')), Description: 'kms' }));
    arn = Policy!.Arn!;
    expect(arn).toBe(`arn:aws:iam::${accountA}:policy/KmsUse`);
    expect(Policy).toMatchObject({ DefaultVersionId: 'v1', AttachmentCount: 0, IsAttachable: true });
    const duplicate = await failure(adminA.send(new CreatePolicyCommand({ PolicyName: 'KmsUse', Path: '/x/', PolicyDocument: policy(allow('kms:Encrypt')) })));
    expect(duplicate.message).toBe('A policy called KmsUse already exists. Duplicate names are not allowed.');

    await adminA.send(new AttachRolePolicyCommand({ RoleName: 'Reader', PolicyArn: arn }));
    await adminA.send(new AttachRolePolicyCommand({ RoleName: 'Reader', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    expect((await adminA.send(new ListAttachedRolePoliciesCommand({ RoleName: 'Reader' }))).AttachedPolicies).toEqual([
      { PolicyName: 'KmsUse', PolicyArn: arn },
      { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    ]);
    expect((await adminA.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy).toMatchObject({ AttachmentCount: 1, Description: 'kms' });
    const missing = `arn:aws:iam::${accountA}:policy/Missing`;
    const notAttachable = await failure(adminA.send(new AttachRolePolicyCommand({ RoleName: 'Reader', PolicyArn: missing })));
    expect([notAttachable.name, notAttachable.message]).toEqual(['NoSuchEntityException', `Policy ${missing} does not exist or is not attachable.`]);
    await adminA.send(new DetachRolePolicyCommand({ RoleName: 'Reader', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const notAttached = await failure(adminA.send(new DetachRolePolicyCommand({ RoleName: 'Reader', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })));
    expect(notAttached.message).toBe('Policy arn:aws:iam::aws:policy/ReadOnlyAccess was not found.');
  });

  it('keeps at most five versions and never deletes the default one', async () => {
    for (let i = 2; i <= 5; i++) {
      const { PolicyVersion } = await adminA.send(
        new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: policy(allow(`kms:Encrypt`), allow(`s3:Get${i}`)), SetAsDefault: i === 5 }),
      );
      expect(PolicyVersion).toMatchObject({ VersionId: `v${i}`, IsDefaultVersion: i === 5 });
    }
    const sixth = await failure(adminA.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: policy(allow('kms:Decrypt')) })));
    expect(sixth.name).toBe('LimitExceededException');
    expect(sixth.message).toBe('A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
    const versions = (await adminA.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!;
    expect(versions.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([
      ['v5', true],
      ['v4', false],
      ['v3', false],
      ['v2', false],
      ['v1', false],
    ]);
    const conflict = await failure(adminA.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' })));
    expect([conflict.name, conflict.message, conflict.$metadata.httpStatusCode]).toEqual(['DeleteConflictException', 'Cannot delete the default version of a policy.', 409]);
    await adminA.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    await adminA.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' }));
    const v6 = await adminA.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: policy(allow('kms:Decrypt')) }));
    expect(v6.PolicyVersion?.VersionId).toBe('v6');
    const v2 = (await adminA.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }))).PolicyVersion!;
    expect(v2.IsDefaultVersion).toBe(true);
    expect(JSON.parse(decodeURIComponent(v2.Document!))).toEqual(JSON.parse(policy(allow('kms:Encrypt'), allow('s3:Get2'))));
    const missing = await failure(adminA.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' })));
    expect(missing.message).toBe(`Policy ${arn} version v5 does not exist or is not attachable.`);
  });

  it('puts and deletes permissions boundaries', async () => {
    await adminA.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'Reader', PermissionsBoundary: arn }));
    expect((await adminA.send(new GetRoleCommand({ RoleName: 'Reader' }))).Role?.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
      PermissionsBoundaryArn: arn,
    });
    const missing = `arn:aws:iam::${accountA}:policy/NoBoundary`;
    const scope = await failure(adminA.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'Reader', PermissionsBoundary: missing })));
    expect([scope.name, scope.message]).toEqual(['NoSuchEntityException', `Scope ARN: ${missing} does not exist or is not attachable.`]);
    await adminA.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'Reader' }));
    expect((await adminA.send(new GetRoleCommand({ RoleName: 'Reader' }))).Role?.PermissionsBoundary).toBeUndefined();
  });
});

describe('SimulatePrincipalPolicy', () => {
  const key = (id: string) => `arn:aws:kms:us-east-1:${accountA}:key/${id}`;

  beforeAll(async () => {
    await adminA.send(new CreateUserCommand({ UserName: 'sim' }));
    await adminA.send(
      new PutUserPolicyCommand({
        UserName: 'sim',
        PolicyName: 'keys',
        PolicyDocument: policy(allow('kms:Decrypt', key('*')), { Effect: 'Deny', Action: 'kms:Decrypt', Resource: key('blocked') }),
      }),
    );
  });

  const simulate = (input: Omit<ConstructorParameters<typeof SimulatePrincipalPolicyCommand>[0], 'PolicySourceArn'> & { source?: string }) =>
    adminA.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: input.source ?? `arn:aws:iam::${accountA}:user/sim`, ...input }));

  it('reports allowed, explicit and implicit denials per resource, the most restrictive on top', async () => {
    const { EvaluationResults, IsTruncated } = await simulate({
      ActionNames: ['kms:Decrypt', 'kms:Encrypt'],
      ResourceArns: [key('one'), key('blocked'), key('two')],
    });
    expect(IsTruncated).toBe(false);
    const [decrypt, encrypt] = EvaluationResults!;
    expect(decrypt).toMatchObject({ EvalActionName: 'kms:Decrypt', EvalDecision: 'explicitDeny' });
    expect(decrypt!.EvalResourceName).toBe('arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}');
    expect(decrypt!.ResourceSpecificResults!.map((r) => [r.EvalResourceName, r.EvalResourceDecision])).toEqual([
      [key('one'), 'allowed'],
      [key('blocked'), 'explicitDeny'],
      [key('two'), 'allowed'],
    ]);
    const denied = decrypt!.ResourceSpecificResults![1]!.MatchedStatements!;
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ SourcePolicyId: 'keys', SourcePolicyType: 'user', StartPosition: { Line: 1 } });
    expect(decrypt!.ResourceSpecificResults![0]!.MatchedStatements![0]!.SourcePolicyId).toBe('keys');
    expect(encrypt).toMatchObject({ EvalActionName: 'kms:Encrypt', EvalDecision: 'implicitDeny', MatchedStatements: [] });
  });

  it('evaluates identity policies only: no key policy is needed for allowed', async () => {
    const result = (await simulate({ ActionNames: ['kms:Decrypt'] })).EvaluationResults![0]!;
    expect(result.EvalDecision).toBe('allowed');
    expect(result.ResourceSpecificResults ?? []).toEqual([]);
  });

  it('includes input policies, context keys and a boundary decision', async () => {
    const conditional = policy({ ...allow('s3:GetObject'), Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } });
    const missing = (await simulate({ ActionNames: ['s3:GetObject'], ResourceArns: ['arn:aws:s3:::bucket/object'], PolicyInputList: [conditional] }))
      .EvaluationResults![0]!;
    expect(missing.EvalDecision).toBe('implicitDeny');
    expect(missing.MissingContextValues).toEqual(['aws:SourceVpc']);
    const supplied = (
      await simulate({
        ActionNames: ['s3:GetObject'],
        ResourceArns: ['arn:aws:s3:::bucket/object'],
        PolicyInputList: [conditional],
        ContextEntries: [{ ContextKeyName: 'aws:SourceVpc', ContextKeyValues: ['vpc-1'], ContextKeyType: 'string' }],
      })
    ).EvaluationResults![0]!;
    expect(supplied.EvalDecision).toBe('allowed');
    expect(supplied.MatchedStatements).toEqual([expect.objectContaining({ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'none' })]);

    const bounded = (
      await simulate({ ActionNames: ['kms:Decrypt'], ResourceArns: [key('one')], PermissionsBoundaryPolicyInputList: [policy(allow('s3:*'))] })
    ).EvaluationResults![0]!;
    expect(bounded.EvalDecision).toBe('implicitDeny');
    expect(bounded.PermissionsBoundaryDecisionDetail).toEqual({ AllowedByPermissionsBoundary: false });
  });

  it('includes the SCPs of the entity\'s account', async () => {
    const scp = (name: string, ...statements: object[]) => ({
      name,
      arn: `arn:aws:organizations::${accountB}:policy/o-test/service_control_policy/p-${name}`,
      document: policy(...statements),
      targets: ['root'],
    });
    await sandbox.world.mutate((draft) => {
      draft.organization = {
        id: 'o-test',
        managementAccountId: accountB,
        serviceControlPolicies: [scp('all', allow('*')), scp('guard', { Effect: 'Deny', Action: 'kms:Decrypt', Resource: key('guarded') })],
        resourceControlPolicies: [],
      };
    });
    try {
      const result = (await simulate({ ActionNames: ['kms:Decrypt'], ResourceArns: [key('one'), key('guarded')] })).EvaluationResults![0]!;
      expect(result.EvalDecision).toBe('explicitDeny');
      expect(result.OrganizationsDecisionDetail).toEqual({ AllowedByOrganizations: false });
      expect(result.ResourceSpecificResults!.map((r) => r.EvalResourceDecision)).toEqual(['allowed', 'explicitDeny']);
    } finally {
      await sandbox.world.mutate((draft) => {
        delete draft.organization;
      });
    }
  });

  it('rejects assumed-role ARNs and unknown entities like IAM', async () => {
    const session = `arn:aws:sts::${accountA}:assumed-role/AppRole/s1`;
    const rejected = await failure(simulate({ source: session, ActionNames: ['kms:Decrypt'] }));
    expect([rejected.name, rejected.message]).toEqual(['InvalidInputException', `Invalid Entity Arn: ${session} does not clearly define entity type and name.`]);
    const unknown = await failure(simulate({ source: `arn:aws:iam::${accountA}:role/Ghost`, ActionNames: ['kms:Decrypt'] }));
    expect([unknown.name, unknown.message]).toEqual(['NoSuchEntityException', 'The role with name Ghost cannot be found.']);
  });
});

describe('STS', () => {
  const adminSts = () => stsAs(sandbox.credentialsOf(accountA, 'admin'));

  beforeAll(async () => {
    await adminA.send(new CreateRoleCommand({ RoleName: 'Deployer', Path: '/ci/', AssumeRolePolicyDocument: trust(`arn:aws:iam::${accountA}:root`) }));
    await adminB.send(new CreateRoleCommand({ RoleName: 'Partner', AssumeRolePolicyDocument: trust(`arn:aws:iam::${accountA}:root`) }));
  });

  it('tells every caller who it is', async () => {
    const identity = await adminSts().send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: accountA, Arn: `arn:aws:iam::${accountA}:user/admin` });
    expect(identity.UserId).toMatch(/^AIDA/);
  });

  it('assumes a role whose trust policy allows it, and the session acts as the assumed role', async () => {
    const { Credentials, AssumedRoleUser } = await adminSts().send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountA}:role/ci/Deployer`, RoleSessionName: 'build-42', DurationSeconds: 900 }),
    );
    expect(Credentials!.AccessKeyId).toMatch(/^ASIA/);
    expect(Credentials!.Expiration!.getTime() - Date.now()).toBeLessThanOrEqual(900_000);
    expect(AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${accountA}:assumed-role/Deployer/build-42`);
    expect(AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA\w+:build-42$/);
    const session = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    const identity = await stsAs(session).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(AssumedRoleUser!.Arn);
    expect(identity.UserId).toBe(AssumedRoleUser!.AssumedRoleId);

    // The role has no permissions of its own, and IAM names the session in the refusal.
    const denied = await failure(iamAs(session).send(new GetUserCommand({ UserName: 'admin' })));
    expect(denied.message).toBe(
      `User: ${AssumedRoleUser!.Arn} is not authorized to perform: iam:GetUser on resource: user admin because no identity-based policy allows the iam:GetUser action`,
    );
    const withoutToken = await failure(stsAs({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }).send(new GetCallerIdentityCommand({})));
    expect(withoutToken.name).toBe('InvalidClientTokenId');
  });

  it('refuses a trust policy that does not trust the caller', async () => {
    await adminA.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Deployer', PolicyDocument: trust(`arn:aws:iam::${accountA}:user/team/alice`) }));
    const roleArn = `arn:aws:iam::${accountA}:role/ci/Deployer`;
    const denied = await failure(adminSts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's2' })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect(denied.message).toBe(`User: arn:aws:iam::${accountA}:user/admin is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    const ghost = await failure(adminSts().send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountA}:role/Ghost`, RoleSessionName: 's2' })));
    expect(ghost.name).toBe('AccessDenied');
    const badName = await failure(adminSts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'a:b' })));
    expect(badName.name).toBe('ValidationError');
    expect(badName.message).toContain("at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  });

  it('stores the session policy on the credentials and applies it', async () => {
    await adminA.send(new CreateRoleCommand({ RoleName: 'Scoped', AssumeRolePolicyDocument: trust(`arn:aws:iam::${accountA}:user/admin`) }));
    await adminA.send(new PutRolePolicyCommand({ RoleName: 'Scoped', PolicyName: 'all', PolicyDocument: policy(allow('*')) }));
    const { Credentials, AssumedRoleUser, PackedPolicySize } = await adminSts().send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountA}:role/Scoped`, RoleSessionName: 'scoped', Policy: policy(allow('iam:GetUser')) }),
    );
    expect(PackedPolicySize).toBeGreaterThan(0);
    const session = iamAs({ accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! });
    expect((await session.send(new GetUserCommand({ UserName: 'admin' }))).User?.UserName).toBe('admin');
    const denied = await failure(session.send(new GetRoleCommand({ RoleName: 'Scoped' })));
    expect(denied.message).toBe(
      `User: ${AssumedRoleUser!.Arn} is not authorized to perform: iam:GetRole on resource: role Scoped because no session policy allows the iam:GetRole action`,
    );
    // GetUser needs a user name when the caller is a role session.
    const noName = await failure(session.send(new GetUserCommand({})));
    expect([noName.name, noName.message]).toEqual(['ValidationError', 'Must specify userName when calling with non-User credentials']);
  });

  it('assumes a role across accounts when both sides allow it', async () => {
    const roleArn = `arn:aws:iam::${accountB}:role/Partner`;
    const { AssumedRoleUser, Credentials } = await adminSts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'partner' }));
    expect(AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${accountB}:assumed-role/Partner/partner`);
    const session = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    expect((await stsAs(session).send(new GetCallerIdentityCommand({}))).Account).toBe(accountB);
    // A caller of account A without an identity-policy allow is refused although the trust policy allows its account.
    const nobody = stsAs(sandbox.credentialsOf(accountA, 'nobody'));
    expect((await failure(nobody.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x1' })))).name).toBe('AccessDenied');
    const tooLong = await failure(adminSts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'long', DurationSeconds: 7200 })));
    expect([tooLong.name, tooLong.message]).toEqual(['ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.']);
  });
});
