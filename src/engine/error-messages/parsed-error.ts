// The shape of a parsed KMS refusal: what the pasted text tells the diagnosis, and what it leaves unsaid.

export type KmsErrorKind =
  | 'access-denied'
  | 'key-disabled'
  | 'key-pending-deletion'
  | 'key-pending-import'
  | 'key-unavailable'
  | 'key-not-found'
  | 'invalid-ciphertext'
  | 'incorrect-key'
  | 'ciphertext-key-unknown'
  | 'other';

/** The policy type AWS names in "because no … allows" or "with an explicit deny in …". */
export type BlamedPolicyType =
  | 'identity-based'
  | 'resource-based'
  | 'session'
  | 'permissions-boundary'
  | 'vpc-endpoint'
  | 'service-control'
  | 'resource-control'
  | 'role-trust';

/** explicit: a Deny statement matched; implicit: nothing allowed; obscured: AWS will not say which. */
export type DenialKind = 'explicit' | 'implicit' | 'obscured';

/** How the message names the resource when it gives no ARN. */
export type ResourceDescription = 'this-resource' | 'ciphertext';

/** A fact the diagnosis needs that the message does not give. */
export type MissingFact = 'principal' | 'operation' | 'key';

/** The diagnosis step the message points at first. */
export type FirstDiagnosisStep = 'key-state' | 'key-policy' | 'identity-policies' | 'grants';

export interface ParsedError {
  /** What kind of refusal the text reports. */
  readonly kind: KmsErrorKind;
  /** The error code as reported, without a namespace prefix (KMS.NotFoundException → NotFoundException); KMS's own code when a wrapping service quotes it. */
  readonly errorCode?: string;
  /** The API operation refused, as the message names it (GetObject, Decrypt), else the KMS operation of `action`. */
  readonly operation?: string;
  /** ARN of the refused caller. */
  readonly principal?: string;
  /** IAM action refused, as written (kms:Decrypt). */
  readonly action?: string;
  /** ARN of the resource the message names (for S3, the bucket or object). */
  readonly resource?: string;
  /** ARN of the KMS key, or of the alias, that the message names. */
  readonly keyArn?: string;
  /** How the message names the resource when it gives no ARN. */
  readonly resourceDescription?: ResourceDescription;
  /** The policy type AWS blamed. */
  readonly policyType?: BlamedPolicyType;
  readonly denial?: DenialKind;
  /** ARN of the policy whose Deny matched, when AWS names it. */
  readonly denyingPolicyArn?: string;
  /** The AWS service that called KMS for the caller and reported the refusal (S3, Lambda, DynamoDB…). */
  readonly service?: string;
  /** Request ID of the refused call, for AWS Support or CloudTrail. */
  readonly requestId?: string;
  /** Account of the principal, else of the resource. */
  readonly accountId?: string;
  /** Region of the key, from its ARN. */
  readonly region?: string;
  /** What the diagnosis still needs that the message does not say. */
  readonly missing: readonly MissingFact[];
  /** When a CloudTrail event was pasted: the event (engine/cloudtrail-event.ts). */
  readonly cloudTrail?: CloudTrailKmsEvent;
}

/** One KMS call as CloudTrail recorded it. */
export interface CloudTrailKmsEvent {
  readonly eventTime?: string;
  /** The KMS API operation (eventName): Decrypt, GenerateDataKey… */
  readonly operation: string;
  /** userIdentity.arn: the IAM user or the role session (sts assumed-role ARN). */
  readonly principal?: string;
  /** userIdentity.accountId, else recipientAccountId. */
  readonly accountId?: string;
  /** The key: its ARN from resources, else requestParameters.keyId as given. */
  readonly key?: string;
  readonly region?: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** The AWS service that made the call for the principal (userIdentity.invokedBy), e.g. s3.amazonaws.com. */
  readonly invokedBy?: string;
  readonly vpcEndpointId?: string;
  /** AccessDenied, DisabledException, KMSInvalidStateException…; absent when the call succeeded. */
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestId?: string;
}

