// IAM groups in the sandbox, driven by the real AWS SDK v3 (and once by the real aws CLI) from the
// `blank` scenario: groups and their members, group inline and attached policies, with AWS's error
// codes and wording, IAM authorization naming the group as IAM does ("on resource: group X"), and a
// group's policies counting for its members in KMS authorization and in IAM's simulator.
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteGroupPolicyCommand,
  DetachGroupPolicyCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  paginateListGroupsForUser,
  PutGroupPolicyCommand,
  RemoveUserFromGroupCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws } from '../helpers/aws-cli.js';
import { allow, failure, newUserWithKey, policy } from '../helpers/iam-calls.js';
import { accountA, type StaticCredentials } from '../helpers/iam-state.js';
import { startTestSandbox, userCredentials, type TestSandbox } from '../helpers/sandbox.js';

let sandbox: TestSandbox;
let admin: IAMClient;
let keyArn: string;

const clientConfig = (credentials: StaticCredentials) => ({ endpoint: sandbox.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const iamAs = (credentials: StaticCredentials) => new IAMClient(clientConfig(credentials));
const kmsAs = (credentials: StaticCredentials) => new KMSClient(clientConfig(credentials));

const newUser = (userName: string, inline?: string) => newUserWithKey(admin, userName, inline);

const groupNamesOf = async (userName: string) => ((await admin.send(new ListGroupsForUserCommand({ UserName: userName }))).Groups ?? []).map((g) => g.GroupName);

beforeAll(async () => {
  sandbox = await startTestSandbox('blank');
  admin = iamAs(userCredentials(sandbox, 'admin'));
  // No Policy: the default key policy, which delegates to IAM (the account root may do kms:*).
  const { KeyMetadata } = await kmsAs(userCredentials(sandbox, 'admin')).send(new CreateKeyCommand({ Description: 'group tests' }));
  keyArn = KeyMetadata!.Arn!;
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('groups', () => {
  it('creates and reads a group; names are unique regardless of case', async () => {
    const { Group } = await admin.send(new CreateGroupCommand({ GroupName: 'Auditors', Path: '/security/' }));
    expect(Group).toMatchObject({ GroupName: 'Auditors', Path: '/security/', Arn: `arn:aws:iam::${accountA}:group/security/Auditors` });
    expect(Group!.GroupId).toMatch(/^AGPA[A-Z2-7]{17}$/);
    expect(Group!.CreateDate).toBeInstanceOf(Date);

    const read = await admin.send(new GetGroupCommand({ GroupName: 'auditors' }));
    expect(read.Group).toEqual(Group);
    expect(read.Users).toEqual([]);
    expect(read.IsTruncated).toBe(false);

    const duplicate = await failure(admin.send(new CreateGroupCommand({ GroupName: 'AUDITORS' })));
    expect(duplicate).toMatchObject({ name: 'EntityAlreadyExistsException', message: 'Group with name AUDITORS already exists.', $metadata: { httpStatusCode: 409 } });
    const missing = await failure(admin.send(new GetGroupCommand({ GroupName: 'Nobody' })));
    expect(missing).toMatchObject({ name: 'NoSuchEntityException', message: 'The group with name Nobody cannot be found.', $metadata: { httpStatusCode: 404 } });
    const invalid = await failure(admin.send(new CreateGroupCommand({ GroupName: 'no spaces' })));
    expect(invalid.name).toBe('ValidationError');
    expect(invalid.message).toContain("at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
  });

  it('adds and removes members: GetGroup lists them, ListGroupsForUser lists their groups', async () => {
    await admin.send(new CreateGroupCommand({ GroupName: 'Developers' }));
    await admin.send(new CreateGroupCommand({ GroupName: 'Operators' }));
    await admin.send(new CreateUserCommand({ UserName: 'dana', Tags: [{ Key: 'team', Value: 'blue' }] }));
    await admin.send(new CreateUserCommand({ UserName: 'eli' }));
    await admin.send(new AddUserToGroupCommand({ GroupName: 'Developers', UserName: 'dana' }));
    await admin.send(new AddUserToGroupCommand({ GroupName: 'operators', UserName: 'DANA' }));
    // Adding a member again changes nothing.
    await admin.send(new AddUserToGroupCommand({ GroupName: 'Developers', UserName: 'dana' }));
    await admin.send(new AddUserToGroupCommand({ GroupName: 'Developers', UserName: 'eli' }));

    const developers = await admin.send(new GetGroupCommand({ GroupName: 'Developers' }));
    expect(developers.Users!.map((u) => u.UserName)).toEqual(['dana', 'eli']);
    // Listings leave out the boundary and tags, as IAM's do.
    expect(developers.Users![0]).toEqual({ Path: '/', UserName: 'dana', UserId: expect.stringMatching(/^AIDA/), Arn: `arn:aws:iam::${accountA}:user/dana`, CreateDate: expect.any(Date) });
    const listed = await admin.send(new ListGroupsForUserCommand({ UserName: 'dana' }));
    expect(listed.Groups!.map((g) => [g.GroupName, g.Arn])).toEqual([
      ['Developers', `arn:aws:iam::${accountA}:group/Developers`],
      ['Operators', `arn:aws:iam::${accountA}:group/Operators`],
    ]);
    expect(listed.IsTruncated).toBe(false);

    await admin.send(new RemoveUserFromGroupCommand({ GroupName: 'Developers', UserName: 'dana' }));
    expect(await groupNamesOf('dana')).toEqual(['Operators']);
    expect((await admin.send(new GetGroupCommand({ GroupName: 'Developers' }))).Users!.map((u) => u.UserName)).toEqual(['eli']);
    // Removing a user who is not a member succeeds, as in IAM.
    await admin.send(new RemoveUserFromGroupCommand({ GroupName: 'Developers', UserName: 'dana' }));
    expect(await groupNamesOf('eli')).toEqual(['Developers']);
  });

  it('refuses unknown users and groups, a user without groups has none, and a user may be in 10 groups', async () => {
    await admin.send(new CreateUserCommand({ UserName: 'fay' }));
    expect(await groupNamesOf('fay')).toEqual([]);
    const unknownUser = await failure(admin.send(new AddUserToGroupCommand({ GroupName: 'Developers', UserName: 'ghost' })));
    expect(unknownUser).toMatchObject({ name: 'NoSuchEntityException', message: 'The user with name ghost cannot be found.' });
    const unknownGroup = await failure(admin.send(new AddUserToGroupCommand({ GroupName: 'Ghosts', UserName: 'fay' })));
    expect(unknownGroup).toMatchObject({ name: 'NoSuchEntityException', message: 'The group with name Ghosts cannot be found.' });
    // Both missing: IAM names the user.
    const neither = await failure(admin.send(new RemoveUserFromGroupCommand({ GroupName: 'Ghosts', UserName: 'ghost' })));
    expect(neither.message).toBe('The user with name ghost cannot be found.');
    const listUnknown = await failure(admin.send(new ListGroupsForUserCommand({ UserName: 'ghost' })));
    expect(listUnknown).toMatchObject({ name: 'NoSuchEntityException', $metadata: { httpStatusCode: 404 } });

    for (let i = 1; i <= 11; i++) await admin.send(new CreateGroupCommand({ GroupName: `many-${i}` }));
    for (let i = 1; i <= 10; i++) await admin.send(new AddUserToGroupCommand({ GroupName: `many-${i}`, UserName: 'fay' }));
    const eleventh = await failure(admin.send(new AddUserToGroupCommand({ GroupName: 'many-11', UserName: 'fay' })));
    expect(eleventh).toMatchObject({ name: 'LimitExceededException', message: 'Cannot exceed quota for GroupsPerUser: 10', $metadata: { httpStatusCode: 409 } });

    // Pages: MaxItems and Marker, as the SDK's paginator walks them.
    const first = await admin.send(new ListGroupsForUserCommand({ UserName: 'fay', MaxItems: 4 }));
    expect(first.Groups).toHaveLength(4);
    expect(first.IsTruncated).toBe(true);
    const all: string[] = [];
    for await (const page of paginateListGroupsForUser({ client: admin, pageSize: 4 }, { UserName: 'fay' })) all.push(...page.Groups!.map((g) => g.GroupName!));
    expect(all).toEqual(Array.from({ length: 10 }, (_, i) => `many-${i + 1}`));
  });
});

describe('group policies', () => {
  it('puts, reads, lists and deletes inline group policies, with the group quota of 5,120 characters', async () => {
    await admin.send(new CreateGroupCommand({ GroupName: 'Readers' }));
    const document = policy(allow('kms:DescribeKey'));
    await admin.send(new PutGroupPolicyCommand({ GroupName: 'Readers', PolicyName: 'describe', PolicyDocument: document }));
    await admin.send(new PutGroupPolicyCommand({ GroupName: 'Readers', PolicyName: 'another', PolicyDocument: policy(allow('kms:ListKeys')) }));
    const got = await admin.send(new GetGroupPolicyCommand({ GroupName: 'readers', PolicyName: 'describe' }));
    expect(got.GroupName).toBe('Readers');
    expect(got.PolicyName).toBe('describe');
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(document);
    expect((await admin.send(new ListGroupPoliciesCommand({ GroupName: 'Readers' }))).PolicyNames).toEqual(['another', 'describe']);

    await admin.send(new DeleteGroupPolicyCommand({ GroupName: 'Readers', PolicyName: 'another' }));
    expect((await admin.send(new ListGroupPoliciesCommand({ GroupName: 'Readers' }))).PolicyNames).toEqual(['describe']);
    const gone = await failure(admin.send(new GetGroupPolicyCommand({ GroupName: 'Readers', PolicyName: 'another' })));
    expect(gone).toMatchObject({ name: 'NoSuchEntityException', message: 'The group policy with name another cannot be found.' });
    const noGroup = await failure(admin.send(new PutGroupPolicyCommand({ GroupName: 'Ghosts', PolicyName: 'p', PolicyDocument: document })));
    expect(noGroup.message).toBe('The group with name Ghosts cannot be found.');
    const malformed = await failure(admin.send(new PutGroupPolicyCommand({ GroupName: 'Readers', PolicyName: 'bad', PolicyDocument: '{"Statement": 5}' })));
    expect(malformed.name).toBe('MalformedPolicyDocumentException');

    const big = policy(allow(Array.from({ length: 400 }, (_, i) => `kms:Action${String(i).padStart(3, '0')}`)));
    expect(big.length).toBeGreaterThan(5120);
    const tooBig = await failure(admin.send(new PutGroupPolicyCommand({ GroupName: 'Readers', PolicyName: 'big', PolicyDocument: big })));
    expect(tooBig).toMatchObject({ name: 'LimitExceededException', message: 'Maximum policy size of 5120 bytes exceeded for group Readers' });
  });

  it('attaches, lists and detaches managed policies, and counts them in AttachmentCount', async () => {
    await admin.send(new CreateGroupCommand({ GroupName: 'Attached' }));
    const { Policy } = await admin.send(new CreatePolicyCommand({ PolicyName: 'group-kms', PolicyDocument: policy(allow('kms:Decrypt')) }));
    const arn = Policy!.Arn!;
    await admin.send(new AttachGroupPolicyCommand({ GroupName: 'Attached', PolicyArn: arn }));
    await admin.send(new AttachGroupPolicyCommand({ GroupName: 'Attached', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const attached = await admin.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'Attached' }));
    expect(attached.AttachedPolicies).toEqual([
      { PolicyName: 'group-kms', PolicyArn: arn },
      { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    ]);
    expect((await admin.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.AttachmentCount).toBe(1);

    await admin.send(new DetachGroupPolicyCommand({ GroupName: 'Attached', PolicyArn: arn }));
    expect((await admin.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'Attached' }))).AttachedPolicies!.map((p) => p.PolicyName)).toEqual(['ReadOnlyAccess']);
    expect((await admin.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.AttachmentCount).toBe(0);
    const notAttached = await failure(admin.send(new DetachGroupPolicyCommand({ GroupName: 'Attached', PolicyArn: arn })));
    expect(notAttached).toMatchObject({ name: 'NoSuchEntityException', message: `Policy ${arn} was not found.` });
    const missing = `arn:aws:iam::${accountA}:policy/nothing-here`;
    const notAttachable = await failure(admin.send(new AttachGroupPolicyCommand({ GroupName: 'Attached', PolicyArn: missing })));
    expect(notAttachable).toMatchObject({ name: 'NoSuchEntityException', message: `Policy ${missing} does not exist or is not attachable.` });
  });
});

describe('authorization', () => {
  it('refuses a user without IAM permissions, naming the group or user as IAM does', async () => {
    const nobody = iamAs(await newUser('no-iam'));
    const denied = await failure(nobody.send(new GetGroupCommand({ GroupName: 'Developers' })));
    expect(denied).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(denied.message).toBe(
      `User: arn:aws:iam::${accountA}:user/no-iam is not authorized to perform: iam:GetGroup on resource: group Developers because no identity-based policy allows the iam:GetGroup action`,
    );
    expect((await failure(nobody.send(new AddUserToGroupCommand({ GroupName: 'Developers', UserName: 'no-iam' })))).message).toContain(
      'iam:AddUserToGroup on resource: group Developers because',
    );
    expect((await failure(nobody.send(new ListGroupsForUserCommand({ UserName: 'no-iam' })))).message).toContain('iam:ListGroupsForUser on resource: user no-iam because');
    expect((await failure(nobody.send(new CreateGroupCommand({ GroupName: 'Mine' })))).message).toContain('iam:CreateGroup on resource: group Mine because');
  });

  it('lets a user allowed on one group path manage only that group', async () => {
    await admin.send(new CreateGroupCommand({ GroupName: 'Managed', Path: '/team/' }));
    const manager = iamAs(await newUser('group-manager', policy(allow(['iam:GetGroup', 'iam:PutGroupPolicy'], `arn:aws:iam::${accountA}:group/team/*`))));
    expect((await manager.send(new GetGroupCommand({ GroupName: 'Managed' }))).Group!.GroupName).toBe('Managed');
    await manager.send(new PutGroupPolicyCommand({ GroupName: 'Managed', PolicyName: 'p', PolicyDocument: policy(allow('kms:ListKeys')) }));
    expect((await failure(manager.send(new GetGroupCommand({ GroupName: 'Developers' })))).name).toBe('AccessDenied');
  });
});

describe("a group's policies in KMS authorization", () => {
  const plaintext = new TextEncoder().encode('hello group');

  it('a user allowed kms:Encrypt only through a group inline policy can encrypt, and is denied once removed from the group', async () => {
    const user = await newUser('encryptor');
    const kms = kmsAs(user);
    const denied = await failure(kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext })));
    expect(denied.name).toBe('AccessDeniedException');

    await admin.send(new CreateGroupCommand({ GroupName: 'Encryptors' }));
    await admin.send(new PutGroupPolicyCommand({ GroupName: 'Encryptors', PolicyName: 'encrypt', PolicyDocument: policy(allow('kms:Encrypt', keyArn)) }));
    await admin.send(new AddUserToGroupCommand({ GroupName: 'Encryptors', UserName: 'encryptor' }));
    const { CiphertextBlob, KeyId } = await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext }));
    expect(KeyId).toBe(keyArn);
    expect(CiphertextBlob!.length).toBeGreaterThan(0);

    // IAM's simulator sees the group's policy too.
    const simulated = await admin.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${accountA}:user/encryptor`, ActionNames: ['kms:Encrypt'], ResourceArns: [keyArn] }),
    );
    expect(simulated.EvaluationResults![0]).toMatchObject({ EvalDecision: 'allowed', MatchedStatements: [expect.objectContaining({ SourcePolicyId: 'encrypt', SourcePolicyType: 'group' })] });

    await admin.send(new RemoveUserFromGroupCommand({ GroupName: 'Encryptors', UserName: 'encryptor' }));
    const afterRemoval = await failure(kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext })));
    expect(afterRemoval.name).toBe('AccessDeniedException');
    expect(afterRemoval.message).toContain(`User: arn:aws:iam::${accountA}:user/encryptor is not authorized to perform: kms:Encrypt`);
  });

  it("a managed policy attached to a user's group counts until it is detached", async () => {
    const user = await newUser('attached-encryptor');
    const kms = kmsAs(user);
    const { Policy } = await admin.send(new CreatePolicyCommand({ PolicyName: 'encrypt-with-key', PolicyDocument: policy(allow('kms:Encrypt', keyArn)) }));
    await admin.send(new CreateGroupCommand({ GroupName: 'AttachedEncryptors' }));
    await admin.send(new AttachGroupPolicyCommand({ GroupName: 'AttachedEncryptors', PolicyArn: Policy!.Arn! }));
    await admin.send(new AddUserToGroupCommand({ GroupName: 'AttachedEncryptors', UserName: 'attached-encryptor' }));
    expect((await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext }))).KeyId).toBe(keyArn);

    await admin.send(new DetachGroupPolicyCommand({ GroupName: 'AttachedEncryptors', PolicyArn: Policy!.Arn! }));
    expect((await failure(kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: plaintext })))).name).toBe('AccessDeniedException');
  });
});

describe('the aws CLI', () => {
  it('lists the groups of a user', async () => {
    await admin.send(new CreateUserCommand({ UserName: 'x' }));
    await admin.send(new CreateGroupCommand({ GroupName: 'CliGroup', Path: '/cli/' }));
    await admin.send(new AddUserToGroupCommand({ GroupName: 'CliGroup', UserName: 'x' }));
    const result = await aws(sandbox, ['iam', 'list-groups-for-user', '--user-name', 'x'], { profile: 'admin' });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.json).toEqual({
      Groups: [{ Path: '/cli/', GroupName: 'CliGroup', GroupId: expect.stringMatching(/^AGPA/), Arn: `arn:aws:iam::${accountA}:group/cli/CliGroup`, CreateDate: expect.any(String) }],
    });
  });
});
