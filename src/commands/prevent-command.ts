// `kms-doctor prevent`: the playbook's last chapter for one key, filled in with its data — the
// pre-deploy access test for CI, the CloudTrail metric filter and alarm on KMS access denials, and the
// key-tagging convention. It only reads (DescribeKey, ListResourceTags, GetCallerIdentity); every change
// is a printed command the user runs.
import { parseArgs } from 'node:util';
import { readForPrevention } from '../aws/prevention-reads.js';
import { displaySafe } from '../engine/display-text.js';
import { findOperation, operationRequirements } from '../engine/operations.js';
import { buildPrevention, preventionText } from '../engine/prevention.js';
import { accountNamedBy, isCrossAccount, regionNamedBy, type KeyRef } from '../engine/identifiers.js';
import { UsageError } from '../usage-error.js';
import { connectionFlags, connectionOptionsOf, keyFlag, type ConnectionOptions } from './check-args.js';
import { CheckFailure, checkExitCodes } from './check-command.js';
import { jsonEnvelope } from './json-output.js';
import { openSession } from '../live/open-session.js';

export const preventUsage = `Usage: kms-doctor prevent --key KEY [--operation OP] [--log-group NAME]
                         [--profile P] [--key-profile P] [--region R] [--endpoint-url URL] [--json]

Prints what keeps the next denial from reaching production, for KEY: the pre-deploy access test as a
CI step (kms-doctor check --json and a KMS dry run), the CloudTrail metric filter and alarm on KMS
access denials (aws CLI commands and CloudFormation), and the key tags to set. Changes nothing.
  --key KEY          key ID, alias name (alias/…), key ARN or alias ARN
  --operation OP     the call the CI step tests (default Decrypt; kms-doctor operations lists them)
  --log-group NAME   the CloudWatch Logs log group your CloudTrail trail delivers to
  --json             one JSON document on stdout

Exit codes: 0 printed, 2 usage or input error (unknown key, no credentials), 3 could not read the key.`;

export interface PreventOptions extends ConnectionOptions {
  readonly key: KeyRef;
  readonly operation: string;
  readonly logGroup?: string;
  readonly json: boolean;
}

/** CloudWatch Logs log group names: 1–512 of [.\-_/#A-Za-z0-9] (CreateLogGroup's pattern). */
const logGroupName = /^[.\-_/#A-Za-z0-9]{1,512}$/;

export function parsePreventArgs(args: readonly string[]): PreventOptions | 'help' {
  let values;
  try {
    values = parseArgs({
      args: [...args],
      options: {
        ...connectionFlags,
        key: { type: 'string' },
        operation: { type: 'string' },
        'log-group': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  if (values.help) return 'help';
  if (values.key === undefined) throw new UsageError('--key is required (key ID, alias name, key ARN or alias ARN)');
  const key = keyFlag(values.key);
  const operation = findOperation(values.operation ?? 'Decrypt');
  if (!operation) throw new UsageError(`unknown operation '${values.operation}' (kms-doctor operations lists the ${operationRequirements.length} it knows)`);
  const logGroup = values['log-group'];
  if (logGroup !== undefined && !logGroupName.test(logGroup)) {
    throw new UsageError(`--log-group '${logGroup}' is not a CloudWatch Logs log group name (letters, digits and . - _ / #)`);
  }
  return {
    key,
    operation: operation.name,
    json: values.json ?? false,
    ...(logGroup !== undefined ? { logGroup } : {}),
    ...connectionOptionsOf(values),
  };
}

export async function runPreventCommand(args: readonly string[]): Promise<number> {
  const options = parsePreventArgs(args);
  if (options === 'help') {
    process.stdout.write(preventUsage + '\n');
    return 0;
  }
  const session = await openSession(options);
  try {
    const region = regionNamedBy(options.key) ?? session.region ?? 'us-east-1';
    const reads = await readForPrevention(session, options.key, region);
    if (reads.key.status !== 'known') {
      const why = reads.key.status === 'unreadable' ? reads.key.message : reads.key.why;
      // Like check: a key that does not exist is the user's input; any other refusal leaves it unknown.
      const exitCode = reads.key.status === 'unreadable' && reads.key.reason === 'not-found' ? checkExitCodes.usage : checkExitCodes.unknown;
      const keyAccount = accountNamedBy(options.key);
      const hint =
        reads.key.status === 'unreadable' && reads.key.reason === 'access-denied' && options.keyProfile === undefined && isCrossAccount(reads.callerAccount, keyAccount)
          ? ` (the key is in account ${keyAccount}: give --key-profile with credentials there)`
          : '';
      throw new CheckFailure(`cannot read key ${options.key.text}: ${why}${hint}`, exitCode);
    }
    const plan = buildPrevention({
      key: reads.key.value,
      tags: reads.tags,
      ...(reads.tagsNote !== undefined ? { tagsNote: reads.tagsNote } : {}),
      callerAccount: reads.callerAccount,
      operation: findOperation(options.operation)!,
      ...(options.logGroup !== undefined ? { logGroup: options.logGroup } : {}),
    });
    if (options.json) process.stdout.write(JSON.stringify(jsonEnvelope(plan), null, 2) + '\n');
    else process.stdout.write(preventionText(displaySafe(plan)));
    return 0;
  } finally {
    session.destroy();
  }
}
