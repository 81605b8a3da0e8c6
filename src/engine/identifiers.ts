// The one place that reads AWS names: a KMS key as the user named it (key ID, alias name, key ARN, alias
// ARN), a principal ARN (user, role, role session, root, service), any ARN's account, and whether two
// accounts are the same. Pure. Everything else takes the typed values produced here: `check`'s and
// `fix`'s flags, the wizard's questions, the error-message parser and the CloudTrail reader parse once,
// at the edge, and the request carries the result.
//
// ARN shapes: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html (arn:PARTITION:
// SERVICE:REGION:ACCOUNT:RESOURCE; partitions aws, aws-cn, aws-us-gov, aws-iso…); KMS identifiers:
// https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id; IAM and STS ARNs:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns.

const partition = 'aws(?:-[a-z]+)*';
const region = '[a-z]{2}(?:-[a-z]+)+-\\d+';
const account = '\\d{12}';
const keyId = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}';
// Alias names: letters, digits, slashes, underscores and dashes, up to 256 characters with "alias/".
const aliasName = 'alias/[A-Za-z0-9/_-]{1,250}';
// IAM names and session names: letters, digits and +=,.@_- (paths add slashes).
const iamName = '[\\w+=,.@-]+';

const keyIdPattern = new RegExp(`^(?:${keyId})$`);
const aliasNamePattern = new RegExp(`^${aliasName}$`);
const kmsArnPattern = new RegExp(`^arn:(${partition}):kms:(${region}):(${account}):(key/(?:${keyId})|${aliasName})$`);
const iamEntityPattern = new RegExp(`^arn:(${partition}):iam::(${account}):(user|role)(/(?:${iamName}/)*)(${iamName})$`);
const sessionPattern = new RegExp(`^arn:(${partition}):sts::(${account}):assumed-role/(${iamName})/(${iamName})$`);
const rootPattern = new RegExp(`^arn:(${partition}):iam::(${account}):root$`);
const federatedPattern = new RegExp(`^arn:(${partition}):sts::(${account}):federated-user/(${iamName})$`);
const servicePattern = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/;
// The account field is read as written: pasted error messages often mask it (3915824****, <>, xxxx).
const arnPattern = new RegExp(`^arn:(${partition}):([a-z0-9-]+):([a-z0-9-]*):([^:]*):(.+)$`);

/** Where an ARN puts a resource: the fields every ARN has. */
export interface ArnParts {
  readonly arn: string;
  readonly partition: string;
  readonly service: string;
  /** Empty for global services (IAM, STS, Organizations). */
  readonly region: string;
  /** Twelve digits, "aws" for AWS managed policies, empty for resources of no account (S3 buckets), or masked text. */
  readonly account: string;
  readonly resource: string;
}

/** How the user named a KMS key, which decides where KMS looks for it. `text` is the input as given. */
export type KeyRef =
  | { readonly kind: 'key-id'; readonly text: string; readonly keyId: string }
  | { readonly kind: 'alias-name'; readonly text: string; readonly aliasName: string }
  | { readonly kind: 'key-arn'; readonly text: string; readonly partition: string; readonly region: string; readonly account: string; readonly keyId: string }
  | { readonly kind: 'alias-arn'; readonly text: string; readonly partition: string; readonly region: string; readonly account: string; readonly aliasName: string };

export type KeyArnRef = Extract<KeyRef, { kind: 'key-arn' }>;

/** A principal as its ARN names it. `arn` is the ARN as given. */
export type PrincipalRef =
  | { readonly kind: 'user' | 'role'; readonly arn: string; readonly partition: string; readonly account: string; readonly name: string; readonly path: string }
  | {
      readonly kind: 'assumed-role';
      readonly arn: string;
      readonly partition: string;
      readonly account: string;
      /** The role's name; a session ARN never carries the role's path. */
      readonly roleName: string;
      readonly sessionName: string;
    }
  | { readonly kind: 'root'; readonly arn: string; readonly partition: string; readonly account: string }
  /** A GetFederationToken session: its permissions come from that call, not from an IAM entity. */
  | { readonly kind: 'federated-user'; readonly arn: string; readonly partition: string; readonly account: string; readonly name: string }
  | { readonly kind: 'service'; readonly arn: string; readonly service: string };

/** The principals `--principal` and the wizard accept: those with IAM policies to read. */
export type DiagnosablePrincipal = Extract<PrincipalRef, { kind: 'user' | 'role' | 'assumed-role' }>;

/** Any ARN's fields, or undefined when the text is not an ARN. */
export function parseArn(text: string | undefined): ArnParts | undefined {
  const match = text === undefined ? null : arnPattern.exec(text);
  if (!match) return undefined;
  const [arn, partitionName, service, regionName, accountId, resource] = match as unknown as [string, string, string, string, string, string];
  return { arn, partition: partitionName, service, region: regionName, account: accountId, resource };
}

/** The twelve-digit account an ARN names, or undefined (not an ARN, or no account in it). */
export function accountOfArn(text: string | undefined): string | undefined {
  const account = parseArn(text)?.account;
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/** A key ID, multi-Region key ID, alias name, key ARN or alias ARN; undefined for anything else. Surrounding blanks are ignored. */
export function parseKeyRef(input: string): KeyRef | undefined {
  const text = input.trim();
  if (keyIdPattern.test(text)) return { kind: 'key-id', text, keyId: text };
  if (aliasNamePattern.test(text)) return { kind: 'alias-name', text, aliasName: text };
  const arn = kmsArnPattern.exec(text);
  if (!arn) return undefined;
  const [, partitionName, regionName, accountId, resource] = arn as unknown as [string, string, string, string, string];
  return resource.startsWith('key/')
    ? { kind: 'key-arn', text, partition: partitionName, region: regionName, account: accountId, keyId: resource.slice('key/'.length) }
    : { kind: 'alias-arn', text, partition: partitionName, region: regionName, account: accountId, aliasName: resource };
}

export const isKeyIdentifier = (text: string): boolean => parseKeyRef(text) !== undefined;

/** The key ARN a reference names, when it is one (a key ARN names the key exactly; an alias does not). */
export const keyArnOf = (key: KeyRef): KeyArnRef | undefined => (key.kind === 'key-arn' ? key : undefined);

/** The Region an ARN reference names (key IDs and alias names mean the Region of the call). */
export const regionNamedBy = (key: KeyRef): string | undefined => (key.kind === 'key-arn' || key.kind === 'alias-arn' ? key.region : undefined);

/** The alias an alias name or alias ARN names ("alias/…"). */
export const aliasNamedBy = (key: KeyRef): string | undefined => (key.kind === 'alias-name' || key.kind === 'alias-arn' ? key.aliasName : undefined);

/** The account an ARN reference names (key IDs and alias names always mean the caller's own account). */
export const accountNamedBy = (key: KeyRef): string | undefined => (key.kind === 'key-arn' || key.kind === 'alias-arn' ? key.account : undefined);

/** A user, role, role session, account root or service principal; undefined for anything else. */
export function parsePrincipalRef(input: string): PrincipalRef | undefined {
  const arn = input.trim();
  const entity = iamEntityPattern.exec(arn);
  if (entity) {
    const [, partitionName, accountId, kind, path, name] = entity as unknown as [string, string, string, 'user' | 'role', string, string];
    return { kind, arn, partition: partitionName, account: accountId, name, path };
  }
  const session = sessionPattern.exec(arn);
  if (session) {
    const [, partitionName, accountId, roleName, sessionName] = session as unknown as [string, string, string, string, string];
    return { kind: 'assumed-role', arn, partition: partitionName, account: accountId, roleName, sessionName };
  }
  const root = rootPattern.exec(arn);
  if (root) return { kind: 'root', arn, partition: root[1]!, account: root[2]! };
  const federated = federatedPattern.exec(arn);
  if (federated) return { kind: 'federated-user', arn, partition: federated[1]!, account: federated[2]!, name: federated[3]! };
  if (servicePattern.test(arn)) return { kind: 'service', arn, service: arn };
  return undefined;
}

/** A user, role or role session ARN: the principals whose IAM policies kms-doctor can read. */
export function parseDiagnosablePrincipal(input: string): DiagnosablePrincipal | undefined {
  const principal = parsePrincipalRef(input);
  return principal && (principal.kind === 'user' || principal.kind === 'role' || principal.kind === 'assumed-role') ? principal : undefined;
}

export const isPrincipalArn = (text: string): boolean => parseDiagnosablePrincipal(text) !== undefined;

/** The principal's IAM entity as far as the ARN tells: a role session's role without its path (GetRole gives the path). */
export function entityOf(principal: DiagnosablePrincipal): { readonly kind: 'user' | 'role'; readonly name: string; readonly arn: string } {
  if (principal.kind !== 'assumed-role') return { kind: principal.kind, name: principal.name, arn: principal.arn };
  return { kind: 'role', name: principal.roleName, arn: `arn:${principal.partition}:iam::${principal.account}:role/${principal.roleName}` };
}

/** The account a principal belongs to; a service principal has none. */
export const accountOfPrincipal = (principal: PrincipalRef): string | undefined => (principal.kind === 'service' ? undefined : principal.account);

/**
 * Same or cross account: the one rule. Undefined when either account is unknown, so no caller mistakes
 * "not known" for "same".
 */
export function accountRelation(principalAccount: string | undefined, resourceAccount: string | undefined): 'same' | 'cross' | undefined {
  if (principalAccount === undefined || resourceAccount === undefined) return undefined;
  return principalAccount === resourceAccount ? 'same' : 'cross';
}

/** True only when both accounts are known and differ. */
export const isCrossAccount = (principalAccount: string | undefined, resourceAccount: string | undefined): boolean => accountRelation(principalAccount, resourceAccount) === 'cross';

/** The partition a Region belongs to, for ARNs built from a Region alone. */
export function partitionOfRegion(regionName: string): string {
  if (regionName.startsWith('cn-')) return 'aws-cn';
  if (regionName.startsWith('us-gov-')) return 'aws-us-gov';
  if (regionName.startsWith('us-isob-')) return 'aws-iso-b';
  if (regionName.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** A key's ARN built from its parts (a key ID the caller's account holds, in the call's Region). */
export const keyArnFrom = (regionName: string, accountId: string, id: string): string => `arn:${partitionOfRegion(regionName)}:kms:${regionName}:${accountId}:key/${id}`;
