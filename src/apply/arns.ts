// The parts of an ARN the apply step needs: which account a write needs credentials for, and which
// Region a key's calls (and the printed aws CLI commands) go to. Read with the engine's one ARN parser.
import { accountOfArn as accountOf, parseArn } from '../engine/identifiers.js';

/** The Region and account in a KMS key ARN (undefined parts when it is not one). */
export function keyArnParts(keyArn: string): { region?: string; accountId?: string } {
  const arn = parseArn(keyArn);
  const accountId = accountOf(keyArn);
  return arn?.service === 'kms' && arn.resource.startsWith('key/') && arn.region !== '' && accountId !== undefined ? { region: arn.region, accountId } : {};
}

/** The account in any ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:…), or undefined. */
export const accountOfArn = (arn: string): string | undefined => accountOf(arn);
