// The glossary `g` opens: every term and symbol the wizard's screens use, in plain words. A test walks
// the screens and fails when one shows a term (a condition key, a simulator decision, an exception, a
// mark) that is not here.

export interface GlossaryEntry {
  readonly term: string;
  readonly meaning: string;
}

export const glossary: readonly GlossaryEntry[] = [
  { term: '✔', meaning: 'this step found nothing wrong (or the layer allows the call)' },
  { term: '✘', meaning: 'this step found a reason for the refusal' },
  { term: '•', meaning: 'a statement or grant that decides this request' },
  { term: '·', meaning: "a statement or grant that does not concern this request (and the separator between keys)" },
  { term: '↪', meaning: 'a key-policy statement that delegates to IAM: the account\'s IAM policies decide next' },
  { term: 'principal', meaning: 'who calls: an IAM user, or a role (through a role session, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION)' },
  { term: 'key policy', meaning: 'the one resource policy every KMS key has; nothing works without it' },
  { term: 'delegates to IAM', meaning: 'the key policy allows arn:aws:iam::ACCOUNT:root: then IAM policies in that account may grant access, and must' },
  { term: 'IAM policy', meaning: "an identity-based policy attached to the user or role (inline, or managed)" },
  { term: 'permissions boundary', meaning: 'a cap on what IAM policies may grant a user or role: the call must be allowed by both' },
  { term: 'session policy', meaning: 'a policy passed when a role is assumed: the session gets only what both allow' },
  { term: 'SCP', meaning: "service control policy (AWS Organizations): a cap on what an account's principals may do" },
  { term: 'RCP', meaning: "resource control policy (AWS Organizations): a cap on what may be done to an account's resources" },
  { term: 'grant', meaning: 'a permission on one key for one principal, created with CreateGrant; AWS services use grants to use your key later (EBS, RDS)' },
  { term: 'cross account', meaning: "the key is in another account: the key policy there and the caller's IAM policies here must both allow" },
  { term: 'allowed', meaning: "IAM's simulator: an Allow statement matches and no Deny does" },
  { term: 'implicitDeny', meaning: "IAM's simulator: no statement allows the action (the default is no)" },
  { term: 'explicitDeny', meaning: "IAM's simulator: a Deny statement matches; no Allow anywhere can override it" },
  { term: 'AccessDeniedException', meaning: 'KMS refused the call on permissions (a policy, a grant, or across accounts)' },
  { term: 'DisabledException', meaning: 'the key is disabled: every cryptographic call fails, whoever asks' },
  { term: 'KMSInvalidStateException', meaning: 'the key is in a state that refuses the call, e.g. pending deletion' },
  { term: 'NotFoundException', meaning: 'KMS found no such key from the caller: wrong Region or account, or an alias used across accounts' },
  { term: 'DryRunOperationException', meaning: 'a KMS dry run would have succeeded: how the fix is proven without doing the call' },
  { term: 'kms:ViaService', meaning: 'condition key: the AWS service (S3, EC2…) that called KMS for the principal' },
  { term: 'kms:GrantIsForAWSResource', meaning: 'condition key: true when an AWS service creates the grant for a resource it manages (an EBS volume)' },
  { term: 'kms:CallerAccount', meaning: 'condition key: the account of the caller' },
  { term: 'kms:EncryptionContext', meaning: 'condition key on the encryption context: the key-value pairs bound to a ciphertext' },
  { term: 'aws:ViaAWSService', meaning: 'condition key: true when an AWS service made the call for the principal' },
  { term: 'aws:PrincipalArn', meaning: 'condition key: the ARN of the calling user or role' },
  { term: 'encryption context', meaning: 'key-value pairs sent with Encrypt and required again, exactly, by Decrypt' },
  { term: 'envelope encryption', meaning: 'services encrypt data with a data key from GenerateDataKey, and the data key with KMS: so an S3 upload needs kms:GenerateDataKey, a download kms:Decrypt' },
  { term: 'key state', meaning: 'Enabled, Disabled, PendingDeletion, PendingImport, Unavailable: only Enabled keys encrypt and decrypt' },
  { term: 'CloudTrail', meaning: "AWS's log of API calls: who called KMS, when, and what was refused (who disabled a key, too)" },
  { term: 'SANDBOX', meaning: 'the screens read an embedded local AWS (training): nothing real is touched' },
];

/** True when the glossary defines `term` (as a whole term). */
export const defines = (term: string): boolean => glossary.some((entry) => entry.term === term);
