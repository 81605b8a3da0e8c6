// `kms-doctor prevent --key KEY [--log-group NAME]`: the playbook's prevention chapter with the data of
// the user's key and account (its ARN, account, Region, aliases and tags read live).
import { parseArgs } from 'node:util';
import { listKeyAliases, listKeyTags, describeKey, parseKeyInput } from '../aws/key-reads.js';
import { preventionText } from '../engine/prevention.js';
import { isKeyIdentifier } from '../engine/identifiers.js';
import { UsageError } from '../usage-error.js';
import { CheckFailure, checkExitCodes } from './check-command.js';
import { connectionOptionsOf } from './check-args.js';
import { openSession } from './run-diagnosis.js';

export const preventUsage = `Usage: kms-doctor prevent --key KEY [--log-group NAME] [--profile P] [--region R] [--endpoint-url URL]

Prints how to keep KMS access denials for KEY from reaching production: a pre-deploy access test for
CI, a CloudTrail metric filter and alarm on KMS access denials (for the CloudWatch Logs group NAME that
CloudTrail delivers to), and the key tags to add.`;

export async function runPreventCommand(args: readonly string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...args],
      options: { key: { type: 'string' }, 'log-group': { type: 'string' }, profile: { type: 'string' }, region: { type: 'string' }, 'endpoint-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  if (values.help) {
    process.stdout.write(preventUsage + '\n');
    return 0;
  }
  if (values.key === undefined || !isKeyIdentifier(values.key)) throw new UsageError('--key is required (key ID, alias name, key ARN or alias ARN)');
  const connection = connectionOptionsOf(values);
  const session = await openSession(connection);
  try {
    const region = connection.region ?? session.region ?? 'us-east-1';
    const reference = parseKeyInput(values.key, region);
    const key = await describeKey(session, reference, async () => undefined);
    if (key.status !== 'known') throw new CheckFailure(`kms:DescribeKey ${values.key}: ${key.status === 'unreadable' ? key.message : key.why}`, checkExitCodes.unknown);
    const [aliases, tags] = await Promise.all([listKeyAliases(session, key.value.region, key.value.arn), listKeyTags(session, key.value.region, key.value.arn)]);
    process.stdout.write(
      preventionText({
        keyArn: key.value.arn,
        accountId: key.value.accountId,
        region: key.value.region,
        ...(values['log-group'] !== undefined ? { logGroup: values['log-group'] } : {}),
        ...(aliases.status === 'known' ? { aliases: aliases.value } : {}),
        ...(tags.status === 'known' ? { tags: tags.value } : {}),
      }) + '\n',
    );
    return 0;
  } finally {
    session.destroy();
  }
}
