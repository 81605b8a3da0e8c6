// Which KMS permissions an operation needs: KMS API calls made directly, and the AWS service
// operations that call KMS on the caller's behalf (through `kms:ViaService`). One data table, read by
// the diagnosis, the fixes and `kms-doctor operations`.
// Sources: KMS developer guide "kms:ViaService" table and each service's encryption page, collected in
// shared/domain/KMS-DENIALS.md §3.

export interface OperationRequirement {
  /** What the user types: an API name (Decrypt) or a service action (s3:PutObject). */
  readonly name: string;
  /** Names that mean the same (kms:Decrypt for Decrypt, put-object…). */
  readonly aliases: readonly string[];
  /** Group shown in menus: "Direct KMS call", "S3 read", … */
  readonly group: string;
  readonly title: string;
  /** KMS actions the caller needs, in the order the service calls them. */
  readonly actions: readonly string[];
  /** The KMS action the verdict is judged by when one is needed most (the first otherwise). */
  readonly primaryAction: string;
  /** `kms:ViaService` prefix, completed with the Region: s3 → s3.us-east-1.amazonaws.com. */
  readonly viaService?: string;
  /** True when the service creates grants on the key for the resource it manages (CreateGrant with kms:GrantIsForAWSResource). */
  readonly usesGrants: boolean;
  /** The encryption-context key the service sets, for explanations. */
  readonly encryptionContextKey?: string;
  /** A sentence for newcomers. */
  readonly note?: string;
}

const direct = (name: string, note?: string): OperationRequirement => ({
  name,
  aliases: [`kms:${name}`, kebab(name)],
  group: 'Direct KMS call',
  title: `kms:${name}`,
  actions: [actionFor(name)],
  primaryAction: actionFor(name),
  usesGrants: false,
  ...(note ? { note } : {}),
});

function actionFor(apiName: string): string {
  return apiName === 'ReEncrypt' ? 'kms:ReEncryptFrom' : `kms:${apiName}`;
}

function kebab(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}

export const operationRequirements: readonly OperationRequirement[] = [
  direct('Decrypt'),
  direct('Encrypt'),
  direct('GenerateDataKey'),
  direct('GenerateDataKeyWithoutPlaintext'),
  direct('GenerateDataKeyPair'),
  {
    ...direct('ReEncrypt'),
    actions: ['kms:ReEncryptFrom', 'kms:ReEncryptTo'],
    note: 'ReEncrypt needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination key.',
  },
  direct('DescribeKey'),
  direct('CreateGrant'),
  direct('Sign'),
  direct('Verify'),
  direct('GenerateMac'),
  direct('VerifyMac'),
  direct('GetPublicKey'),
  direct('GetKeyPolicy'),
  direct('PutKeyPolicy'),
  direct('ListGrants'),
  direct('RetireGrant'),
  direct('RevokeGrant'),
  direct('EnableKey'),
  direct('DisableKey'),
  direct('ScheduleKeyDeletion'),
  direct('CancelKeyDeletion'),
  {
    name: 's3:GetObject',
    aliases: ['s3-read', 'GetObject', 's3 read'],
    group: 'S3 read',
    title: 'Read an SSE-KMS encrypted S3 object',
    actions: ['kms:Decrypt'],
    primaryAction: 'kms:Decrypt',
    viaService: 's3',
    usesGrants: false,
    encryptionContextKey: 'aws:s3:arn',
  },
  {
    name: 's3:PutObject',
    aliases: ['s3-write', 'PutObject', 's3 write', 's3:CreateMultipartUpload'],
    group: 'S3 write',
    title: 'Write an SSE-KMS encrypted S3 object (including multipart uploads)',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    primaryAction: 'kms:GenerateDataKey',
    viaService: 's3',
    usesGrants: false,
    encryptionContextKey: 'aws:s3:arn',
    note: 'S3 needs kms:Decrypt too: it reads the encrypted parts back to complete a multipart upload.',
  },
  {
    name: 'ec2:CopySnapshot',
    aliases: ['ebs-copy-snapshot', 'CopySnapshot', 'ebs snapshot copy'],
    group: 'EBS snapshot copy',
    title: 'Copy an encrypted EBS snapshot',
    actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext'],
    primaryAction: 'kms:CreateGrant',
    viaService: 'ec2',
    usesGrants: true,
    encryptionContextKey: 'aws:ebs:id',
  },
  {
    name: 'ec2:RunInstances',
    aliases: ['ec2-launch-encrypted', 'RunInstances', 'ec2 launch', 'ec2:CreateVolume', 'ec2:AttachVolume'],
    group: 'EC2 launch from encrypted AMI',
    title: 'Launch an instance (or create a volume) from an encrypted AMI or snapshot',
    actions: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom'],
    primaryAction: 'kms:CreateGrant',
    viaService: 'ec2',
    usesGrants: true,
    encryptionContextKey: 'aws:ebs:id',
    note: 'EC2 creates a grant so the volume can use the key while it is attached.',
  },
  {
    name: 'rds:RestoreDBInstanceFromDBSnapshot',
    aliases: ['rds-restore-snapshot', 'RestoreDBInstanceFromDBSnapshot', 'rds snapshot', 'rds:CopyDBSnapshot'],
    group: 'RDS snapshot',
    title: 'Restore or copy an encrypted RDS snapshot',
    actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'],
    primaryAction: 'kms:Decrypt',
    viaService: 'rds',
    usesGrants: true,
  },
  // Least privilege: configuring a function's key and reading its environment need different permissions.
  {
    name: 'lambda:UpdateFunctionConfiguration',
    aliases: ['lambda configure', 'lambda-configure', 'UpdateFunctionConfiguration', 'lambda:CreateFunction', 'CreateFunction'],
    group: 'Lambda environment variables',
    title: 'Create or configure a function whose environment variables use a customer managed key',
    actions: ['kms:Encrypt', 'kms:CreateGrant'],
    primaryAction: 'kms:CreateGrant',
    viaService: 'lambda',
    usesGrants: true,
    note: 'Lambda encrypts the environment with kms:Encrypt and creates a grant (kms:CreateGrant) so the function can decrypt it at run time.',
  },
  {
    name: 'lambda:GetFunctionConfiguration',
    aliases: ['lambda view environment', 'lambda-view-environment', 'lambda-env', 'GetFunctionConfiguration'],
    group: 'Lambda environment variables',
    title: "View a function's environment variables encrypted with a customer managed key",
    actions: ['kms:Decrypt'],
    primaryAction: 'kms:Decrypt',
    viaService: 'lambda',
    usesGrants: false,
    note: 'Seeing the values (console, GetFunctionConfiguration) needs kms:Decrypt; invoking the function does not need it from the caller.',
  },
  {
    name: 'secretsmanager:GetSecretValue',
    aliases: ['secrets-read', 'GetSecretValue', 'secrets manager read'],
    group: 'Secrets Manager',
    title: 'Read a secret encrypted with a customer managed key',
    actions: ['kms:Decrypt'],
    primaryAction: 'kms:Decrypt',
    viaService: 'secretsmanager',
    usesGrants: false,
    encryptionContextKey: 'SecretARN',
  },
  {
    name: 'secretsmanager:PutSecretValue',
    aliases: ['secrets-write', 'PutSecretValue', 'secretsmanager:CreateSecret', 'secretsmanager:UpdateSecret'],
    group: 'Secrets Manager',
    title: 'Write a secret encrypted with a customer managed key',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    primaryAction: 'kms:GenerateDataKey',
    viaService: 'secretsmanager',
    usesGrants: false,
    encryptionContextKey: 'SecretARN',
  },
  {
    name: 'ssm:GetParameter',
    aliases: ['ssm-read', 'GetParameter', 'ssm:GetParameters', 'ssm securestring read'],
    group: 'SSM Parameter Store',
    title: 'Read a SecureString parameter',
    actions: ['kms:Decrypt'],
    primaryAction: 'kms:Decrypt',
    viaService: 'ssm',
    usesGrants: false,
    encryptionContextKey: 'PARAMETER_ARN',
  },
  {
    name: 'ssm:PutParameter',
    aliases: ['ssm-write', 'PutParameter', 'ssm securestring write'],
    group: 'SSM Parameter Store',
    title: 'Write a SecureString parameter (standard tier)',
    actions: ['kms:Encrypt'],
    primaryAction: 'kms:Encrypt',
    viaService: 'ssm',
    usesGrants: false,
    encryptionContextKey: 'PARAMETER_ARN',
    note: 'Advanced-tier parameters use kms:GenerateDataKey instead of kms:Encrypt.',
  },
  {
    name: 'sqs:SendMessage',
    aliases: ['sqs-send', 'SendMessage'],
    group: 'SQS',
    title: 'Send a message to an SSE-KMS queue',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    primaryAction: 'kms:GenerateDataKey',
    viaService: 'sqs',
    usesGrants: false,
  },
  {
    name: 'sqs:ReceiveMessage',
    aliases: ['sqs-receive', 'ReceiveMessage'],
    group: 'SQS',
    title: 'Receive a message from an SSE-KMS queue',
    actions: ['kms:Decrypt'],
    primaryAction: 'kms:Decrypt',
    viaService: 'sqs',
    usesGrants: false,
  },
  {
    name: 'sns:Publish',
    aliases: ['sns-publish', 'Publish'],
    group: 'SNS',
    title: 'Publish to an SSE-KMS topic',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    primaryAction: 'kms:GenerateDataKey',
    viaService: 'sns',
    usesGrants: false,
  },
  {
    name: 'logs:GetLogEvents',
    aliases: ['logs-read', 'GetLogEvents', 'logs:FilterLogEvents'],
    group: 'CloudWatch Logs',
    title: 'Read events of a KMS-encrypted log group',
    actions: ['kms:Decrypt'],
    primaryAction: 'kms:Decrypt',
    viaService: 'logs',
    usesGrants: false,
    encryptionContextKey: 'aws:logs:arn',
    note: 'The key policy must also allow the service principal logs.<region>.amazonaws.com to use the key.',
  },
  {
    name: 'dynamodb:GetItem',
    aliases: ['dynamodb', 'dynamodb-read', 'GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
    group: 'DynamoDB',
    title: 'Read or write a table encrypted with a customer managed key',
    actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:CreateGrant'],
    primaryAction: 'kms:Decrypt',
    viaService: 'dynamodb',
    usesGrants: true,
    encryptionContextKey: 'aws:dynamodb:tableName',
  },
];

/** Finds an operation by any of its names, case-insensitively; undefined when unknown. */
export function findOperation(name: string): OperationRequirement | undefined {
  const wanted = name.trim().toLowerCase();
  return operationRequirements.find(
    (op) => op.name.toLowerCase() === wanted || op.aliases.some((alias) => alias.toLowerCase() === wanted),
  );
}

/** The kms:ViaService value of an operation in a Region. */
export function viaServiceFor(operation: OperationRequirement, region: string): string | undefined {
  return operation.viaService ? `${operation.viaService}.${region}.amazonaws.com` : undefined;
}
