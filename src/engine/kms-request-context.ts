// The request context AWS builds for a KMS call: the condition keys a key policy, an IAM policy or a
// grant may test. The diagnosis and the sandbox both build it here, so a condition that decides a real
// call decides the diagnosis the same way. Sources: KMS developer guide "AWS KMS condition keys" and
// "AWS global condition keys" (kms:ViaService, kms:GrantIsForAWSResource, kms:EncryptionContext:…,
// kms:ResourceAliases and aws:ResourceTag/… for attribute-based access control, "ABAC for AWS KMS").

export type RequestContext = Record<string, string | readonly string[]>;

/** The principal as the global condition keys describe it. */
export interface RequestPrincipal {
  /** aws:PrincipalArn: the user ARN, or the role ARN (with its path) for a role session. */
  readonly entityArn: string;
  readonly accountId: string;
  readonly kind: 'user' | 'role';
  /** aws:userid: AIDA… for a user, AROA…:SESSION for a role session; omitted when unknown. */
  readonly userId?: string;
  /** The user or role name (aws:username is set for users only). */
  readonly name?: string;
  /** aws:PrincipalOrgID: the organization of the principal's account; omitted when unknown or none. */
  readonly organizationId?: string;
  /** aws:PrincipalOrgPaths: o-…/r-…/ou-…/ of the principal's account. */
  readonly organizationPaths?: readonly string[];
  /** aws:PrincipalTag/<key>: the tags of the user or role; omitted when unknown. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** What KMS knows about the key when it builds the context. */
export interface RequestKey {
  readonly spec: string;
  readonly usage: string;
  readonly origin: string;
  readonly multiRegion: boolean;
  /** Alias names (alias/…) that point at the key, for kms:ResourceAliases; omitted when unknown. */
  readonly aliases?: readonly string[];
  /** The key's tags, for aws:ResourceTag/<key> (ABAC); omitted when unknown. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface KmsKeyRequest {
  /** The IAM action, e.g. kms:Decrypt. */
  readonly action: string;
  /** kms:CallerAccount: the account of the principal making the call. */
  readonly callerAccount: string;
  readonly key?: RequestKey;
  /** The full kms:ViaService value (s3.us-east-1.amazonaws.com) when a service calls KMS for the principal. */
  readonly viaService?: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** The alias name (alias/…) the caller used to name the key, if any. */
  readonly requestAlias?: string;
  /** aws:RequestedRegion: the Region the call is sent to. */
  readonly region?: string;
  /** aws:SourceIp of a direct call, when known (the sandbox knows its client's address; kms-doctor does not). */
  readonly sourceIp?: string;
}

/** The global keys AWS sets for every request of a principal. */
export function principalRequestContext(principal: RequestPrincipal): Record<string, string> {
  return {
    'aws:PrincipalArn': principal.entityArn,
    'aws:PrincipalAccount': principal.accountId,
    'aws:PrincipalType': principal.kind === 'user' ? 'User' : 'AssumedRole',
    ...(principal.userId !== undefined ? { 'aws:userid': principal.userId } : {}),
    ...(principal.kind === 'user' && principal.name !== undefined ? { 'aws:username': principal.name } : {}),
    // An IAM user or role is never an AWS service principal (AWS sets this key on every request).
    'aws:PrincipalIsAWSService': 'false',
    ...(principal.organizationId !== undefined ? { 'aws:PrincipalOrgID': principal.organizationId } : {}),
    ...Object.fromEntries(Object.entries(principal.tags ?? {}).map(([key, value]) => [`aws:PrincipalTag/${key}`, value])),
  };
}

/** principalRequestContext plus the multi-valued keys (aws:PrincipalOrgPaths). */
function principalContextWithPaths(principal: RequestPrincipal): RequestContext {
  const context: RequestContext = principalRequestContext(principal);
  if (principal.organizationPaths !== undefined && principal.organizationPaths.length > 0) context['aws:PrincipalOrgPaths'] = principal.organizationPaths;
  return context;
}

/** The kms:… keys (and aws:ViaAWSService) of a request about a key. */
export function kmsKeyRequestContext(request: KmsKeyRequest): RequestContext {
  const context: RequestContext = { 'kms:CallerAccount': request.callerAccount };
  const { key } = request;
  if (key !== undefined) {
    context['kms:KeySpec'] = key.spec;
    context['kms:KeyUsage'] = key.usage;
    context['kms:KeyOrigin'] = key.origin;
    context['kms:MultiRegion'] = String(key.multiRegion);
    if (key.aliases !== undefined && key.aliases.length > 0) context['kms:ResourceAliases'] = key.aliases;
    for (const [tagKey, value] of Object.entries(key.tags ?? {})) context[`aws:ResourceTag/${tagKey}`] = value;
  }
  if (request.requestAlias !== undefined) context['kms:RequestAlias'] = request.requestAlias;
  if (request.region !== undefined) context['aws:RequestedRegion'] = request.region;
  if (request.viaService !== undefined) {
    context['kms:ViaService'] = request.viaService;
    context['aws:ViaAWSService'] = 'true';
    // Only a grant that an AWS service creates on the caller's behalf is "for an AWS resource".
    if (request.action.toLowerCase() === 'kms:creategrant') context['kms:GrantIsForAWSResource'] = 'true';
  } else {
    // AWS sets aws:ViaAWSService on every request: false for a direct call.
    context['aws:ViaAWSService'] = 'false';
    if (request.sourceIp !== undefined) context['aws:SourceIp'] = request.sourceIp;
  }
  if (request.encryptionContext !== undefined) {
    const keys = Object.keys(request.encryptionContext);
    if (keys.length > 0) context['kms:EncryptionContextKeys'] = keys;
    for (const [name, value] of Object.entries(request.encryptionContext)) context[`kms:EncryptionContext:${name}`] = value;
  }
  return context;
}

/**
 * The whole context of a KMS call by a principal. KMS is reachable over TLS only, so
 * aws:SecureTransport is always true.
 */
export function kmsRequestContext(principal: RequestPrincipal, request: Omit<KmsKeyRequest, 'callerAccount'>): RequestContext {
  return {
    ...principalContextWithPaths(principal),
    'aws:SecureTransport': 'true',
    ...kmsKeyRequestContext({ ...request, callerAccount: principal.accountId }),
  };
}
