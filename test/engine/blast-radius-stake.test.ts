// Whose access a fix can change (principals-at-stake.ts), and the blast radius that follows from it
// across accounts: the key account's principals are probed when they were read, a stand-in with a note
// naming --key-profile takes their place when they could not be, and a change naming only the
// diagnosed principal asks for no read at all.
import { describe, expect, it } from 'vitest';
import { blastRadiusStake, probedPrincipalsNotes, withBlastRadius } from '../../src/engine/blast-radius.js';
import { diagnose } from '../../src/engine/diagnose.js';
import type { AccountPrincipalsFacts, DiagnosisFacts, Observation } from '../../src/engine/facts.js';
import { proposeProvenFixes } from '../../src/engine/fix-proposal.js';
import type { Fix, FixStep } from '../../src/engine/fix.js';
import type { PrincipalsAtStake } from '../../src/engine/principals-at-stake.js';
import { account, adminStatement, factsFor, inline, keyArn, otherAccount, policy, roleIn, rootStatement } from '../helpers/engine-facts.js';

const evaluate = (facts: DiagnosisFacts) => diagnose(facts);
const fixOf = (...steps: FixStep[]): Fix => ({ steps }) as unknown as Fix;
const putKeyPolicy = (document: object): FixStep => ({ kind: 'put-key-policy', keyArn, policy: JSON.stringify(document) });
const requireFinance = { Sid: 'RequireFinance', Effect: 'Deny', Principal: '*', Action: ['kms:Decrypt', 'kms:ReEncryptFrom'], Resource: '*', Condition: { StringNotEquals: { 'kms:EncryptionContext:Department': 'Finance' } } };
const partnerRole = roleIn(otherAccount, 'PartnerRole');
const reporting = roleIn(account, 'Reporting');
const decryptAnything = inline('kms', policy({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }));

describe('principals at stake', () => {
  const before = policy(rootStatement, requireFinance);
  const facts = factsFor({ keyPolicy: before, principal: partnerRole });
  const stake = (...steps: FixStep[]) => blastRadiusStake(facts, [fixOf(...steps)]).accounts;

  it('is nobody for a statement naming only the diagnosed principal, or a Deny excepting only it', () => {
    expect(stake(putKeyPolicy(policy(rootStatement, requireFinance, { Effect: 'Allow', Principal: { AWS: partnerRole.entityArn }, Action: 'kms:Decrypt', Resource: '*' })))).toEqual([]);
    const excepted = { ...requireFinance, Condition: { ...requireFinance.Condition, ArnNotEquals: { 'aws:PrincipalArn': partnerRole.entityArn } } };
    expect(stake(putKeyPolicy(policy(rootStatement, excepted)))).toEqual([]);
  });

  it('is nobody when the change names the diagnosed role by one of its sessions, or excepts it from a Deny whose keys come in another order', () => {
    const bySession = { Effect: 'Allow', Principal: { AWS: `arn:aws:sts::${otherAccount}:assumed-role/PartnerRole/nightly` }, Action: 'kms:Decrypt', Resource: '*' };
    expect(stake(putKeyPolicy(policy(rootStatement, requireFinance, bySession)))).toEqual([]);
    // The same Deny with Condition first: only the exception differs, however the keys are ordered.
    const { Condition, ...rest } = requireFinance;
    const conditionFirst = { Condition, ...rest };
    const beforeReordered = factsFor({ keyPolicy: policy(rootStatement, conditionFirst), principal: partnerRole });
    const excepted = { ...conditionFirst, Condition: { ...Condition, ArnNotEquals: { 'aws:PrincipalArn': [partnerRole.entityArn, reporting.entityArn] } } };
    expect(blastRadiusStake(beforeReordered, [fixOf(putKeyPolicy(policy(rootStatement, excepted)))]).accounts).toEqual([{ accountId: account, everyone: false, named: [reporting.entityArn] }]);
  });

  it('is the named role for a statement or a Deny exception naming another, by its role for a session ARN', () => {
    const excepted = { ...requireFinance, Condition: { ...requireFinance.Condition, ArnNotEquals: { 'aws:PrincipalArn': [partnerRole.entityArn, reporting.entityArn] } } };
    expect(stake(putKeyPolicy(policy(rootStatement, excepted)))).toEqual([{ accountId: account, everyone: false, named: [reporting.entityArn] }]);
    const session = { Effect: 'Allow', Principal: { AWS: `arn:aws:sts::${account}:assumed-role/Reporting/s1` }, Action: 'kms:Decrypt', Resource: '*' };
    expect(stake(putKeyPolicy(policy(rootStatement, requireFinance, session)))).toEqual([{ accountId: account, everyone: false, named: [reporting.entityArn] }]);
  });

  it("is every principal of an account the change delegates to, and of both accounts for '*' or a narrowed Deny on '*'", () => {
    const toPartner = { Effect: 'Allow', Principal: { AWS: otherAccount }, Action: 'kms:Decrypt', Resource: '*' };
    expect(stake(putKeyPolicy(policy(rootStatement, requireFinance, toPartner)))).toEqual([{ accountId: otherAccount, everyone: true, named: [] }]);
    const narrowed = { ...requireFinance, Action: ['kms:ReEncryptFrom'] };
    expect(stake(putKeyPolicy(policy(rootStatement, narrowed))).map((a) => [a.accountId, a.everyone])).toEqual(expect.arrayContaining([[account, true], [otherAccount, true]]));
  });

  it('is the grantee of a grant, the holder of an inline policy, and every principal of a managed policy’s account', () => {
    expect(stake({ kind: 'create-grant', keyArn, granteePrincipal: reporting.entityArn, operations: ['Decrypt'] })).toEqual([{ accountId: account, everyone: false, named: [reporting.entityArn] }]);
    expect(stake({ kind: 'put-role-policy', roleName: 'PartnerRole', policyName: 'kms', document: '{}' })).toEqual([]);
    expect(stake({ kind: 'create-policy-version', policyArn: `arn:aws:iam::${otherAccount}:policy/shared`, document: '{}' })).toEqual([{ accountId: otherAccount, everyone: true, named: [] }]);
    expect(stake({ kind: 'enable-key', keyArn })).toEqual([]);
  });
});

describe('the blast radius across accounts', () => {
  // PartnerRole (another account) is refused by a Deny on everyone; the key account has a Reporting role whose IAM allows decrypting.
  const world = factsFor({
    keyPolicy: policy(rootStatement, adminStatement, { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${otherAccount}:root` }, Action: 'kms:Decrypt', Resource: '*' }, requireFinance),
    principal: partnerRole,
    policies: [decryptAnything],
    encryptionContext: { Department: 'Marketing' },
  });
  const listed = (accountId: string, principals: AccountPrincipalsFacts['principals']): Observation<AccountPrincipalsFacts> => ({ status: 'known', value: { accountId, scope: 'listed', principals, more: false } });

  async function proposal(reads: (stake: PrincipalsAtStake) => Record<string, Observation<AccountPrincipalsFacts>>) {
    const asked: PrincipalsAtStake[] = [];
    const diagnosis = await diagnose(world);
    const result = await proposeProvenFixes(world, diagnosis, evaluate, async (stake) => (asked.push(stake), reads(stake)));
    const alternatives = result.fixes.flatMap((f) => [f, ...(f.alternatives ?? [])]);
    const narrowing = alternatives.find((f) => /^Narrow the Deny/.test(f.title))!;
    const exception = alternatives.find((f) => f.title.startsWith(`Except ${partnerRole.entityArn}`))!;
    return { ...result, asked, narrowing, exception };
  }

  it("probes the key account's real roles when they were read: narrowing the Deny lets Reporting decrypt", async () => {
    const { narrowing, exception, asked, notes } = await proposal(() => ({
      [account]: listed(account, [{ identity: reporting, policies: { status: 'known', value: { policies: [decryptAnything] } } }]),
      [otherAccount]: listed(otherAccount, []),
    }));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.accounts.map((a) => [a.accountId, a.everyone])).toEqual(expect.arrayContaining([[account, true], [otherAccount, true]]));
    expect(narrowing.newlyAllows).toContainEqual(expect.objectContaining({ probe: 'other-principal', principal: reporting.entityArn, action: 'kms:Decrypt' }));
    expect(exception.newlyAllows!.filter((n) => n.probe === 'other-principal')).toEqual([]);
    expect(notes.join('\n')).toContain(`The blast radius probed 1 other role or user of account ${account} with their own IAM policies.`);
  });

  it('probes a stand-in for the key account, and says which profile would read it, when its principals could not be read', async () => {
    const why = `no credentials of account ${account} were given; run the check again with --key-profile with a profile of account ${account} allowed iam:ListRoles, iam:ListUsers and iam:Get*/List* on their policies`;
    const { narrowing, notes } = await proposal(() => ({ [account]: { status: 'skipped', why }, [otherAccount]: listed(otherAccount, []) }));
    expect(narrowing.newlyAllows).toContainEqual(expect.objectContaining({ probe: 'other-principal', principal: `arn:aws:iam::${account}:role/kms-doctor-probe-other-principal`, action: 'kms:Decrypt' }));
    expect(narrowing.newlyAllows!.map((n) => n.principal)).not.toContain(reporting.entityArn);
    expect(notes.join('\n')).toContain(`The blast radius could not list the roles and users of account ${account} (${why}); it probed a stand-in`);
  });

  it('probes a named role whose policies could not be read as if its IAM allowed KMS, and says so', async () => {
    // The fix excepts PartnerRole and Reporting from the Deny: Reporting is named, its account had no credentials.
    const excepted = { ...requireFinance, Condition: { ...requireFinance.Condition, ArnNotEquals: { 'aws:PrincipalArn': [partnerRole.entityArn, reporting.entityArn] } } };
    const change = fixOf(putKeyPolicy(policy(rootStatement, adminStatement, { Sid: 'Partner', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${otherAccount}:root` }, Action: 'kms:Decrypt', Resource: '*' }, excepted)));
    const why = `no credentials of account ${account} were given`;
    const facts: DiagnosisFacts = { ...world, accountPrincipals: { [account]: { status: 'skipped', why } } };
    const stake = blastRadiusStake(facts, [change]);
    expect(stake.accounts).toEqual([{ accountId: account, everyone: false, named: [reporting.entityArn] }]);
    const [proved] = await withBlastRadius(facts, [change], evaluate);
    expect(proved!.newlyAllows).toContainEqual(expect.objectContaining({ probe: 'other-principal', principal: reporting.entityArn, action: 'kms:Decrypt' }));
    expect(proved!.newlyAllows!.find((n) => n.principal === reporting.entityArn)!.description).toMatch(/whose IAM policies were not read \(taken as allowing KMS\)/);
    expect(probedPrincipalsNotes(facts, stake)).toEqual([`The blast radius could not read the IAM policies of ${reporting.entityArn} (${why}); it probed it as if IAM let it do anything with KMS.`]);
  });

  it('reads nobody when the only change names the diagnosed principal', async () => {
    const facts = factsFor({ keyPolicy: policy(rootStatement), principal: partnerRole, policies: [decryptAnything] });
    const asked: PrincipalsAtStake[] = [];
    const { fixes, notes } = await proposeProvenFixes(facts, await diagnose(facts), evaluate, async (stake) => (asked.push(stake), {}));
    expect(fixes.map((f) => f.target.type)).toEqual(['key-policy']);
    expect(asked).toEqual([]);
    expect(notes.join('\n')).toMatch(/The changes name no role or user but the diagnosed principal, nor an account/);
  });

  it('gives a probe the version of a managed policy the fix creates, not the one it holds', async () => {
    const managedArn = `arn:aws:iam::${account}:policy/shared`;
    const managed = (document: object) => ({ name: managedArn, kind: 'managed' as const, arn: managedArn, versionId: 'v1', text: JSON.stringify(document), document });
    const describeOnly = policy({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: '*' });
    const facts: DiagnosisFacts = {
      ...factsFor({ keyPolicy: policy(rootStatement), policies: [managed(describeOnly)] }),
      accountPrincipals: { [account]: listed(account, [{ identity: reporting, policies: { status: 'known', value: { policies: [managed(describeOnly)] } } }]) },
    };
    const newVersion = fixOf({ kind: 'create-policy-version', policyArn: managedArn, document: JSON.stringify(policy({ Effect: 'Allow', Action: ['kms:DescribeKey', 'kms:Decrypt'], Resource: '*' })) });
    const [proved] = await withBlastRadius(facts, [newVersion], evaluate);
    expect(proved!.newlyAllows).toContainEqual(expect.objectContaining({ probe: 'other-principal', principal: reporting.entityArn, action: 'kms:Decrypt' }));
  });
});
