// The parts of an ARN the apply step needs: which account a write needs credentials for, and which
// Region a key's calls (and the printed aws CLI commands) go to.

/** The Region and account in a KMS key ARN (undefined parts when it is not one). */
export function keyArnParts(keyArn: string): { region?: string; accountId?: string } {
  const match = /^arn:aws[\w-]*:kms:([a-z0-9-]+):(\d{12}):key\/[\w-]+$/.exec(keyArn);
  return match ? { region: match[1]!, accountId: match[2]! } : {};
}

/** The account in any ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:…), or undefined. */
export function accountOfArn(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}
