// The sandbox's whole world as one JSON-serialisable value. Everything the sandbox knows lives here,
// so persisting (--state) is "write this object atomically" and resuming is "read it back".
// Policy documents are stored as the exact strings clients sent, as AWS does (GetKeyPolicy returns
// the document byte for byte, whitespace included).

export const stateFormatVersion = 1;

export interface SandboxState {
  readonly formatVersion: typeof stateFormatVersion;
  /** Name of the scenario the state was created from (for `sandbox` guidance and the wizard). */
  scenarioName: string;
  /** Region used when a request does not say (profiles, examples). */
  defaultRegion: string;
  accounts: Record<string, AccountState>;
  organization?: OrganizationState;
  /** Every credential the sandbox accepts, long-term (AKIA…) and temporary (ASIA…), by access key ID. */
  credentials: Record<string, CredentialState>;
  /** Keys by key ARN. */
  keys: Record<string, KeyState>;
  /** Aliases by alias ARN. */
  aliases: Record<string, AliasState>;
  /** KMS interface VPC endpoints by ID: a request sent to the endpoint path /vpce-…/ goes through one. */
  vpcEndpoints?: Record<string, VpcEndpointState>;
  /** Training data copied from the scenario, if any. */
  training?: TrainingState;
  /** Monotonic counter, bumped on every mutation; lets tests and the state file show progress. */
  revision: number;
}

export interface AccountState {
  id: string;
  name?: string;
  users: Record<string, UserState>;
  roles: Record<string, RoleState>;
  groups: Record<string, GroupState>;
  /** Customer managed policies by policy ARN. */
  managedPolicies: Record<string, ManagedPolicyState>;
}

/** What users, roles and groups share: a name and ARN, and the identity policies they hold. */
export interface IamIdentityState {
  name: string;
  path: string;
  arn: string;
  /** The unique ID AWS shows for the entity (AIDA… for users, AROA… for roles, AGPA… for groups). */
  id: string;
  createDate: string;
  /** Inline policies: name → document (as sent). */
  inlinePolicies: Record<string, string>;
  /** Attached managed policy ARNs (customer managed in this account, or arn:aws:iam::aws:policy/…). */
  attachedPolicies: string[];
}

export interface PrincipalCommon extends IamIdentityState {
  permissionsBoundary?: string;
  tags: Record<string, string>;
}

export interface UserState extends PrincipalCommon {
  /** Names of the account's groups the user is a member of, in the order it joined them. */
  groups: string[];
}

export interface RoleState extends PrincipalCommon {
  assumeRolePolicyDocument: string;
  maxSessionDuration: number;
  /** Profile (a user name) whose credentials assume this role in the generated AWS config; none → no profile. */
  sourceProfile?: string;
}

/** A group's policies apply to each of its member users; a group is no principal of its own. */
export type GroupState = IamIdentityState;

export interface ManagedPolicyState {
  name: string;
  path: string;
  arn: string;
  id: string;
  description?: string;
  createDate: string;
  updateDate: string;
  defaultVersionId: string;
  /** Versions in creation order. AWS keeps at most five. */
  versions: PolicyVersionState[];
  /** Number used for the next version ID (v1, v2, …); IDs are never reused. */
  nextVersionNumber: number;
}

export interface PolicyVersionState {
  versionId: string;
  document: string;
  createDate: string;
}

export interface OrganizationState {
  id: string;
  managementAccountId: string;
  /** Policies from the root down to accounts; each applies to `targets` (the literal "root" or account IDs). */
  serviceControlPolicies: OrganizationPolicyState[];
  resourceControlPolicies: OrganizationPolicyState[];
  /**
   * Member accounts registered (RegisterDelegatedAdministrator) as delegated administrator of an AWS
   * service: AWS gives them Organizations' read-only actions. Absent in older state files: none.
   */
  delegatedAdministrators?: DelegatedAdministratorState[];
  /** The resource-based delegation policy (PutResourcePolicy): Organizations actions it delegates to member accounts. */
  delegationPolicy?: string;
}

export interface DelegatedAdministratorState {
  accountId: string;
  servicePrincipal: string;
}

export interface OrganizationPolicyState {
  name: string;
  arn: string;
  document: string;
  targets: string[];
}

/**
 * A KMS interface VPC endpoint (com.amazonaws.REGION.kms). Its policy is a third gate beside the key
 * policy and IAM for every request sent through it (KMS developer guide, "Connect to an AWS KMS VPC
 * endpoint": the principal needs permission from both sources).
 */
export interface VpcEndpointState {
  /** vpce-…, as EC2 names it. */
  id: string;
  accountId: string;
  vpcId: string;
  /** The endpoint policy document as stored (the full-access default when the scenario gives none). */
  policy: string;
}

export type CredentialState =
  | {
      kind: 'long-term';
      accessKeyId: string;
      secretAccessKey: string;
      accountId: string;
      userName: string;
      status: 'Active' | 'Inactive';
      createDate: string;
    }
  | {
      kind: 'session';
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken: string;
      accountId: string;
      roleName: string;
      roleArn: string;
      roleId: string;
      sessionName: string;
      /** arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION */
      assumedRoleArn: string;
      expiration: string;
      /** The scoped-down policy passed to AssumeRole, if any. */
      sessionPolicy?: string;
    };

export type KeyStateName =
  | 'Creating'
  | 'Enabled'
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'PendingReplicaDeletion'
  | 'Unavailable'
  | 'Updating';

export interface KeyState {
  arn: string;
  keyId: string;
  accountId: string;
  region: string;
  description: string;
  keyState: KeyStateName;
  keyManager: 'AWS' | 'CUSTOMER';
  keySpec: string;
  keyUsage: string;
  origin: 'AWS_KMS' | 'EXTERNAL' | 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
  multiRegion: boolean;
  creationDate: string;
  deletionDate?: string;
  pendingWindowInDays?: number;
  /** The key policy document exactly as stored. KMS keys have one policy, named "default". */
  policy: string;
  tags: { TagKey: string; TagValue: string }[];
  grants: GrantState[];
  /** Base64 of 32 random bytes: the AES-256 key material. Never leaves the sandbox except in the state file. */
  material?: string;
}

export interface AliasState {
  aliasName: string;
  aliasArn: string;
  targetKeyId: string;
  accountId: string;
  region: string;
  creationDate: string;
  lastUpdatedDate: string;
}

export interface GrantState {
  grantId: string;
  keyArn: string;
  name?: string;
  granteePrincipal: string;
  retiringPrincipal?: string;
  issuingAccount: string;
  operations: string[];
  constraints?: {
    EncryptionContextSubset?: Record<string, string>;
    EncryptionContextEquals?: Record<string, string>;
  };
  creationDate: string;
  grantToken: string;
  /**
   * Until this time the grant is not yet known throughout KMS (eventual consistency): it allows only
   * calls that pass its grant token. Absent: in effect at once, as every grant CreateGrant makes here.
   */
  effectiveAt?: string;
}

export interface TrainingState {
  title: string;
  description: string;
  /** Profile name of the principal in trouble. */
  principal: string;
  /** The call that fails for that principal. */
  call: TrainingCall;
  /** Profile name of a principal that must stay denied after a correct fix. */
  unrelatedPrincipal?: string;
  /** The cause code a diagnosis should report. */
  expectedCause?: string;
  /** The AWS error the failing call returns (error code). */
  expectedError: string;
  /**
   * The session policy (AssumeRole Policy) the principal in trouble's sessions are created with: a JSON
   * document, as passed to `aws sts assume-role --policy`. Only for a role.
   */
  sessionPolicy?: string;
  /** What a correct fix achieves, in plain words. */
  goal: string;
  /** What the team was doing when the call failed, told without giving the cause away. */
  story?: string;
  difficulty?: 'beginner' | 'intermediate' | 'advanced';
}

export interface TrainingCall {
  /** KMS API operation name, e.g. Decrypt, GenerateDataKey, CreateGrant. */
  operation: string;
  /** Key identifier as the principal uses it (alias name, key ARN…). */
  key: string;
  /** The service the call is made through, e.g. s3.us-east-1.amazonaws.com (sets kms:ViaService). */
  viaService?: string;
  encryptionContext?: Record<string, string>;
  /** For Decrypt: base64 of a ciphertext made with the key at load time (plaintext: `trainingPlaintext`). */
  ciphertext?: string;
  /** The VPC endpoint the call goes through (vpce-…), sent to the endpoint path /vpce-…/. */
  vpcEndpoint?: string;
  /** For CreateGrant: the grantee and operations. */
  grant?: { granteePrincipal: string; operations: string[] };
}
