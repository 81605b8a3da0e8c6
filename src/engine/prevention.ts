// The playbook's last chapter, for one key: how to keep KMS access denials from reaching production
// again. A pre-deploy access test as a CI step (kms-doctor check --json, and a KMS dry run), a
// CloudTrail metric filter and alarm on KMS access denials (aws CLI commands and a CloudFormation
// snippet, for a log group the user names), and the key-tagging convention. Pure: the key's facts in,
// text out.
import { shellWord } from './fixes/cli-commands.js';

export interface PreventionInput {
  readonly keyArn: string;
  readonly accountId: string;
  readonly region: string;
  /** The CloudWatch Logs group CloudTrail delivers to (the user's); a placeholder when not given. */
  readonly logGroup?: string;
  readonly aliases?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}

/** CloudTrail records KMS's AccessDeniedException with errorCode "AccessDenied". */
export const kmsDenialFilterPattern = '{ ($.eventSource = "kms.amazonaws.com") && ($.errorCode = "AccessDenied") }';

/** The tags the playbook recommends on every customer managed key. */
export const recommendedKeyTags = ['owner', 'application', 'environment', 'data-classification'] as const;

export function preventionText(input: PreventionInput): string {
  const logGroup = input.logGroup ?? 'CLOUDTRAIL_LOG_GROUP';
  const region = input.region;
  const key = shellWord(input.keyArn);
  const name = input.aliases?.[0] ?? input.keyArn;
  const missingTags = recommendedKeyTags.filter((tag) => input.tags?.[tag] === undefined);
  const lines = [
    `Preventing KMS access denials for ${name} (account ${input.accountId}, ${region})`,
    '',
    '1. A pre-deploy access test in CI: the deploy stops when the role it deploys may not use the key.',
    '   kms-doctor check exits 0 allowed, 1 denied, 2 usage error, 3 could not determine.',
    '',
    '   - name: KMS access test',
    '     run: |',
    `       npx kms-doctor check --key ${input.keyArn} --operation Decrypt --principal "$DEPLOY_ROLE_ARN" --region ${region} --json`,
    `       aws kms encrypt --key-id ${key} --plaintext dGVzdA== --dry-run --region ${region}`,
    '',
    '   The second line is a KMS dry run as the pipeline itself (aws CLI 2.13 or later): it fails with',
    '   AccessDeniedException exactly when the real call would (DryRunOperationException: it would succeed).',
    '',
    `2. A CloudTrail metric filter and alarm on KMS access denials (log group ${logGroup}):`,
    '',
    `   aws logs put-metric-filter --log-group-name ${shellWord(logGroup)} --filter-name kms-access-denied \\`,
    `     --filter-pattern ${shellWord(kmsDenialFilterPattern)} \\`,
    '     --metric-transformations metricName=KmsAccessDenied,metricNamespace=Security,metricValue=1 \\',
    `     --region ${region}`,
    '   aws cloudwatch put-metric-alarm --alarm-name kms-access-denied --namespace Security \\',
    '     --metric-name KmsAccessDenied --statistic Sum --period 300 --evaluation-periods 1 \\',
    '     --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold \\',
    `     --treat-missing-data notBreaching --alarm-actions ALARM_TOPIC_ARN --region ${region}`,
    '',
    '   The same in CloudFormation:',
    '',
    '   KmsAccessDeniedFilter:',
    '     Type: AWS::Logs::MetricFilter',
    '     Properties:',
    `       LogGroupName: ${logGroup}`,
    `       FilterPattern: '${kmsDenialFilterPattern}'`,
    '       MetricTransformations:',
    '         - MetricName: KmsAccessDenied',
    '           MetricNamespace: Security',
    '           MetricValue: "1"',
    '   KmsAccessDeniedAlarm:',
    '     Type: AWS::CloudWatch::Alarm',
    '     Properties:',
    '       AlarmName: kms-access-denied',
    '       Namespace: Security',
    '       MetricName: KmsAccessDenied',
    '       Statistic: Sum',
    '       Period: 300',
    '       EvaluationPeriods: 1',
    '       Threshold: 1',
    '       ComparisonOperator: GreaterThanOrEqualToThreshold',
    '       TreatMissingData: notBreaching',
    '',
    `3. Tag the key so that whoever meets a denial knows whom to ask (${recommendedKeyTags.join(', ')}):`,
    missingTags.length === 0
      ? '   The key has every recommended tag.'
      : `   aws kms tag-resource --key-id ${key} --region ${region} --tags ${missingTags.map((tag) => `TagKey=${tag},TagValue=VALUE`).join(' ')}`,
  ];
  return lines.join('\n');
}
