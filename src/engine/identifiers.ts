// What a KMS key identifier and an IAM principal ARN look like. Pure: `check`'s flags and the wizard's
// questions validate the same way.

const keyPatterns = [
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  /^mrk-[0-9a-f]{32}$/,
  /^alias\/[A-Za-z0-9/_-]{1,250}$/,
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/,
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias\/[A-Za-z0-9/_-]{1,250}$/,
];

const principalPattern = /^arn:aws[a-z-]*:(?:iam::\d{12}:(?:user|role)\/[\w+=,.@/-]+|sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/;

/** A key ID, multi-Region key ID, alias name, key ARN or alias ARN. */
export function isKeyIdentifier(value: string): boolean {
  return keyPatterns.some((pattern) => pattern.test(value));
}

/** An IAM user or role ARN, or a role session (assumed-role) ARN. */
export function isPrincipalArn(value: string): boolean {
  return principalPattern.test(value);
}

/** The Region a key ARN or alias ARN names, if it is one. */
export function regionOfKeyArn(key: string): string | undefined {
  return /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(key)?.[1];
}
