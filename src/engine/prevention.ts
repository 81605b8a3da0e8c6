// Prevention, the playbook's last chapter, for one key: the pre-deploy access test as a CI step
// (`kms-doctor check … --json` and a KMS dry run), the CloudTrail metric filter and alarm on KMS access
// denials (aws CLI commands and a CloudFormation snippet), and the key-tagging convention, all filled
// in with the key's own data. Pure: the reads happen in src/aws, the printing in src/commands.
// Printed aws commands go through the same helpers as the fixes' commands (fixes/cli-commands.ts), so
// one rule quotes every command kms-doctor prints.
import type { KeyFacts } from './facts.js';
import { shellWord } from './fixes/cli-commands.js';
import { viaServiceFor, type OperationRequirement } from './operations.js';

/** What the prevention content is built from: the key as DescribeKey and ListResourceTags show it. */
export interface PreventionInput {
  readonly key: KeyFacts;
  readonly tags: Readonly<Record<string, string>>;
  /** Set when the tags could not be read: then no tag is called missing. */
  readonly tagsNote?: string;
  /** The account of the credentials used (sts:GetCallerIdentity); the alarm lives there. */
  readonly callerAccount: string;
  readonly operation: OperationRequirement;
  /** The CloudWatch Logs log group CloudTrail delivers to (--log-group); a placeholder when absent. */
  readonly logGroup?: string;
}

export interface CiStep {
  /** The check a pipeline runs before deploying; its exit code decides. */
  readonly checkCommand: string;
  readonly exitCodes: readonly { readonly code: number; readonly meaning: string }[];
  /** The KMS action the dry run performs. */
  readonly dryRunAction: string | undefined;
  /** `aws kms … --dry-run`: DryRunOperationException means allowed, AccessDeniedException denied. */
  readonly dryRunCommand: string | undefined;
  /** Why there is no dry run, or what it does not cover (the service path of a service operation). */
  readonly dryRunNote?: string;
}

export interface DenialAlarm {
  readonly logGroup: string;
  /** True when the user named no log group: the commands carry a placeholder to replace. */
  readonly logGroupIsPlaceholder: boolean;
  readonly filterPattern: string;
  readonly metricNamespace: string;
  readonly metricName: string;
  readonly metricFilterCommand: string;
  readonly alarmCommand: string;
  readonly cloudFormation: string;
}

export interface TagAdvice {
  readonly key: string;
  readonly purpose: string;
  /** The key's current value, when it has the tag. */
  readonly value?: string;
}

export interface TaggingConvention {
  readonly recommended: readonly TagAdvice[];
  readonly missing: readonly string[];
  /** `aws kms tag-resource …` for the missing tags, with placeholder values; absent when none is missing or the key cannot be tagged. */
  readonly tagCommand?: string;
  /** Why the key cannot be tagged (AWS managed keys). */
  readonly untaggable?: string;
  /** Why the key's current tags are not known. */
  readonly unknownTags?: string;
  readonly caution: string;
}

export interface PreventionPlan {
  readonly keyArn: string;
  readonly keyAccount: string;
  readonly region: string;
  readonly callerAccount: string;
  readonly operation: string;
  readonly ciStep: CiStep;
  readonly alarm: DenialAlarm;
  readonly tagging: TaggingConvention;
}

/** Stands in for the log group when --log-group is not given; the text says to replace it. */
export const logGroupPlaceholder = 'CLOUDTRAIL_LOG_GROUP';
export const metricNamespace = 'CloudTrailMetrics';
export const metricName = 'KmsAccessDenied';
export const alarmName = 'kms-access-denied';

/**
 * CloudTrail records a KMS access denial with eventSource kms.amazonaws.com and an errorCode starting
 * with AccessDenied (the CIS "unauthorized API calls" filter matches `AccessDenied*` the same way).
 */
export const kmsDenialFilterPattern = '{ ($.eventSource = "kms.amazonaws.com") && ($.errorCode = "AccessDenied*") }';

/** Exit codes of `kms-doctor check`, as a pipeline reads them (src/commands/check-command.ts). */
const checkExitMeanings = [
  { code: 0, meaning: 'allowed: deploy' },
  { code: 1, meaning: 'denied: stop the deploy; the JSON names the causes and the fixes' },
  { code: 2, meaning: 'usage or input error (bad flag, no credentials): fix the pipeline step' },
  { code: 3, meaning: 'could not determine (a read failed): retry, or look at the message' },
] as const;

/** The tags the playbook recommends on every customer managed key, and why each helps a denial get solved fast. */
const recommendedTags = [
  { key: 'Owner', purpose: 'the team to call when a principal is denied' },
  { key: 'Application', purpose: 'what encrypts with the key, so the principals that need it are known' },
  { key: 'Environment', purpose: 'prod, staging…: keeps a pipeline from reaching for the wrong stage’s key' },
] as const;

/** KMS actions with a dry run the aws CLI can send without a real ciphertext. */
const dryRunnable: readonly string[] = ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:GenerateDataKeyWithoutPlaintext'];

export function buildPrevention(input: PreventionInput): PreventionPlan {
  const { key } = input;
  return {
    keyArn: key.arn,
    keyAccount: key.accountId,
    region: key.region,
    callerAccount: input.callerAccount,
    operation: input.operation.name,
    ciStep: ciStepFor(key, input.operation),
    alarm: denialAlarm(key.region, input.logGroup),
    tagging: taggingFor(key, input.tags, input.tagsNote),
  };
}

function ciStepFor(key: KeyFacts, operation: OperationRequirement): CiStep {
  const checkCommand = `kms-doctor check --key ${shellWord(key.arn)} --operation ${shellWord(operation.name)} --region ${shellWord(key.region)} --json`;
  // The action the verdict is judged by (GenerateDataKey for s3:PutObject), else the first the call needs.
  const action = dryRunnable.includes(operation.primaryAction) ? operation.primaryAction : operation.actions.find((candidate) => dryRunnable.includes(candidate));
  if (action === undefined) {
    return {
      checkCommand,
      exitCodes: checkExitMeanings,
      dryRunAction: undefined,
      dryRunCommand: undefined,
      dryRunNote: `KMS has no dry run for ${operation.actions.join(', ')}; the check above is the test`,
    };
  }
  // A dry run calls KMS directly: a kms:ViaService condition that the service path meets does not match it.
  const service = viaServiceFor(operation, key.region);
  const viaService = service
    ? { dryRunNote: `the dry run calls KMS directly, not through ${service}: a key policy that requires kms:ViaService denies it even when ${operation.name} works; the check above judges the service path` }
    : {};
  return { checkCommand, exitCodes: checkExitMeanings, dryRunAction: action, dryRunCommand: dryRunCommand(key, action), ...viaService };
}

/** The aws CLI dry run of one KMS action on the key (KMS-DG programming-dryrun). */
export function dryRunCommand(key: Pick<KeyFacts, 'arn' | 'region'>, action: string): string {
  const common = `--key-id ${shellWord(key.arn)}`;
  const region = `--region ${shellWord(key.region)}`;
  switch (action) {
    case 'kms:Decrypt':
      // IGNORE_CIPHERTEXT: authorization only, so one zero byte (base64 AA==) stands in for a ciphertext.
      return `aws kms decrypt ${common} --ciphertext-blob AA== --dry-run --dry-run-modifiers IGNORE_CIPHERTEXT ${region}`;
    case 'kms:Encrypt':
      return `aws kms encrypt ${common} --plaintext AA== --dry-run ${region}`;
    case 'kms:GenerateDataKeyWithoutPlaintext':
      return `aws kms generate-data-key-without-plaintext ${common} --key-spec AES_256 --dry-run ${region}`;
    default:
      return `aws kms generate-data-key ${common} --key-spec AES_256 --dry-run ${region}`;
  }
}

function denialAlarm(region: string, logGroup: string | undefined): DenialAlarm {
  const group = logGroup ?? logGroupPlaceholder;
  const metricFilterCommand = [
    'aws logs put-metric-filter',
    `--log-group-name ${shellWord(group)}`,
    `--filter-name ${alarmName}`,
    `--filter-pattern ${shellWord(kmsDenialFilterPattern)}`,
    `--metric-transformations metricName=${metricName},metricNamespace=${metricNamespace},metricValue=1,defaultValue=0`,
    `--region ${shellWord(region)}`,
  ].join(' ');
  const alarmCommand = [
    'aws cloudwatch put-metric-alarm',
    `--alarm-name ${alarmName}`,
    `--metric-name ${metricName}`,
    `--namespace ${metricNamespace}`,
    '--statistic Sum --period 300 --evaluation-periods 1 --threshold 1',
    '--comparison-operator GreaterThanOrEqualToThreshold --treat-missing-data notBreaching',
    `--region ${shellWord(region)}`,
  ].join(' ');
  return {
    logGroup: group,
    logGroupIsPlaceholder: logGroup === undefined,
    filterPattern: kmsDenialFilterPattern,
    metricNamespace,
    metricName,
    metricFilterCommand,
    alarmCommand,
    cloudFormation: cloudFormationSnippet(group),
  };
}

/** YAML single-quoted scalar: only ' needs doubling. */
const yamlQuoted = (value: string) => `'${value.replace(/'/g, "''")}'`;

function cloudFormationSnippet(logGroup: string): string {
  return [
    'Resources:',
    '  KmsAccessDeniedFilter:',
    '    Type: AWS::Logs::MetricFilter',
    '    Properties:',
    `      LogGroupName: ${yamlQuoted(logGroup)}`,
    `      FilterName: ${alarmName}`,
    `      FilterPattern: ${yamlQuoted(kmsDenialFilterPattern)}`,
    '      MetricTransformations:',
    `        - MetricName: ${metricName}`,
    `          MetricNamespace: ${metricNamespace}`,
    "          MetricValue: '1'",
    '          DefaultValue: 0',
    '  KmsAccessDeniedAlarm:',
    '    Type: AWS::CloudWatch::Alarm',
    '    Properties:',
    `      AlarmName: ${alarmName}`,
    '      AlarmDescription: KMS refused a call (AccessDenied in CloudTrail)',
    `      MetricName: ${metricName}`,
    `      Namespace: ${metricNamespace}`,
    '      Statistic: Sum',
    '      Period: 300',
    '      EvaluationPeriods: 1',
    '      Threshold: 1',
    '      ComparisonOperator: GreaterThanOrEqualToThreshold',
    '      TreatMissingData: notBreaching',
  ].join('\n');
}

function taggingFor(key: KeyFacts, tags: Readonly<Record<string, string>>, tagsNote: string | undefined): TaggingConvention {
  const recommended: TagAdvice[] = recommendedTags.map((tag) => (tags[tag.key] !== undefined ? { ...tag, value: tags[tag.key] } : { ...tag }));
  const caution =
    'Tags can decide access (aws:ResourceTag conditions): whoever may tag the key may then grant or deny it, and a tag change takes up to five minutes to affect authorization.';
  if (tagsNote !== undefined) return { recommended, missing: [], unknownTags: tagsNote, caution };
  const missing = recommended.filter((tag) => tag.value === undefined).map((tag) => tag.key);
  if (key.manager === 'AWS') {
    return { recommended, missing, untaggable: 'AWS managed keys cannot be tagged; tag the customer managed key that replaces it', caution };
  }
  if (missing.length === 0) return { recommended, missing, caution };
  const pairs = missing.map((name) => `TagKey=${name},TagValue=${name.toUpperCase()}_VALUE`).join(' ');
  return { recommended, missing, tagCommand: `aws kms tag-resource --key-id ${shellWord(key.arn)} --tags ${pairs} --region ${shellWord(key.region)}`, caution };
}

/** The plan as a person reads it: three numbered parts, commands on their own lines. */
export function preventionText(plan: PreventionPlan): string {
  const out: string[] = [];
  out.push(`Prevention for ${plan.keyArn} (account ${plan.keyAccount}, ${plan.region})`);
  out.push('');
  out.push(`1. Pre-deploy access test (CI step, run with the deploying role's credentials):`);
  out.push(`   ${plan.ciStep.checkCommand}`);
  for (const { code, meaning } of plan.ciStep.exitCodes) out.push(`     exit ${code}: ${meaning}`);
  if (plan.ciStep.dryRunCommand) {
    out.push(`   KMS dry run of ${plan.ciStep.dryRunAction} (authorizes without doing it; needs an aws CLI with --dry-run for KMS):`);
    out.push(`   ${plan.ciStep.dryRunCommand}`);
    out.push('     DryRunOperationException: allowed · AccessDeniedException: denied');
    if (plan.ciStep.dryRunNote) out.push(`     Note: ${plan.ciStep.dryRunNote}`);
  } else if (plan.ciStep.dryRunNote) {
    out.push(`   ${plan.ciStep.dryRunNote}`);
  }
  out.push('');
  out.push(`2. Alarm on KMS access denials (CloudTrail → CloudWatch Logs, account ${plan.callerAccount}):`);
  if (plan.alarm.logGroupIsPlaceholder) {
    out.push(`   Replace ${logGroupPlaceholder} with the log group your trail delivers to (aws cloudtrail describe-trails shows its CloudWatchLogsLogGroupArn), or run again with --log-group NAME.`);
  }
  out.push(`   ${plan.alarm.metricFilterCommand}`);
  out.push(`   ${plan.alarm.alarmCommand}`);
  out.push('   Add --alarm-actions with an SNS topic ARN to be told when it fires.');
  out.push('   CloudFormation:');
  for (const line of plan.alarm.cloudFormation.split('\n')) out.push(`     ${line}`);
  out.push('');
  out.push('3. Key tags (who owns it, what uses it, which stage):');
  for (const tag of plan.tagging.recommended) {
    const state = tag.value !== undefined ? `${tag.value} ✓` : plan.tagging.unknownTags !== undefined ? 'not known' : 'missing';
    out.push(`   ${tag.key}: ${state} — ${tag.purpose}`);
  }
  if (plan.tagging.unknownTags) out.push(`   ${plan.tagging.unknownTags}`);
  if (plan.tagging.untaggable) out.push(`   ${plan.tagging.untaggable}`);
  if (plan.tagging.tagCommand) {
    out.push('   Add the missing ones (replace the …_VALUE values):');
    out.push(`   ${plan.tagging.tagCommand}`);
  }
  out.push(`   ${plan.tagging.caution}`);
  return out.join('\n') + '\n';
}
