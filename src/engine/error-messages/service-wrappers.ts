// How the services that call KMS for their callers word and frame a KMS refusal
// (shared/domain/KMS-DENIALS.md §1.1 K and §3), and which service a paste comes from.
import type { Context } from './sdk-envelopes.js';
import { lastOf } from './arn-helpers.js';
import { KMS_OPERATIONS } from './kms-operations.js';

export const LAMBDA_ENVIRONMENT = /Lambda was unable to decrypt (?:the |your )?environment variables/i;
export const SECRETS_MANAGER_KMS = /Access to KMS is not allowed/i;
export const DYNAMODB_KMS = /KMS key access denied error/i;
export const S3_ONLY_DETAIL = /<HostId>|\bhost ?id:|Extended Request ID:/i;

/** Operations of the services that call KMS for their callers (KMS-DENIALS §3), by AWS SDK service ID. */
export const SERVICE_OF_OPERATION = new Map<string, string>(
  Object.entries({
    S3: ['GetObject', 'PutObject', 'CopyObject', 'HeadObject', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'SelectObjectContent', 'GetObjectAttributes'],
    DynamoDB: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems', 'CreateTable', 'UpdateTable'],
    SSM: ['GetParameter', 'GetParameters', 'GetParametersByPath', 'GetParameterHistory', 'PutParameter'],
    'Secrets Manager': ['GetSecretValue', 'BatchGetSecretValue', 'PutSecretValue', 'CreateSecret', 'UpdateSecret', 'RotateSecret'],
    SNS: ['Publish', 'PublishBatch'],
    SQS: ['SendMessage', 'SendMessageBatch', 'ReceiveMessage'],
    Kinesis: ['PutRecord', 'PutRecords', 'GetRecords'],
    Lambda: ['Invoke', 'CreateFunction', 'UpdateFunctionConfiguration'],
    EC2: ['RunInstances', 'StartInstances', 'CreateVolume', 'AttachVolume', 'CopySnapshot', 'CopyImage'],
    RDS: ['CreateDBInstance', 'RestoreDBInstanceFromDBSnapshot', 'CopyDBSnapshot'],
    'CloudWatch Logs': ['GetLogEvents', 'FilterLogEvents', 'PutLogEvents'],
  }).flatMap(([service, operations]) => operations.map((operation): [string, string] => [operation, service])),
);

/** Java SDK service names ("AmazonDynamoDBv2", "AWSKMS", "Kms") by their lower-cased, space-free form. */
export const SERVICE_OF_JAVA_NAME = new Map<string, string>([
  ['awskms', 'KMS'], ['kms', 'KMS'],
  ['amazons3', 'S3'], ['s3', 'S3'],
  ['amazondynamodbv2', 'DynamoDB'], ['amazondynamodb', 'DynamoDB'], ['dynamodb', 'DynamoDB'],
  ['awssecretsmanager', 'Secrets Manager'], ['secretsmanager', 'Secrets Manager'],
  ['awssimplesystemsmanagement', 'SSM'], ['ssm', 'SSM'],
  ['awslambda', 'Lambda'], ['lambda', 'Lambda'],
  ['amazonsns', 'SNS'], ['sns', 'SNS'],
  ['amazonsqs', 'SQS'], ['sqs', 'SQS'],
  ['amazonkinesis', 'Kinesis'], ['kinesis', 'Kinesis'],
  ['amazonec2', 'EC2'], ['ec2', 'EC2'],
  ['amazonrds', 'RDS'], ['rds', 'RDS'],
]);

/** The service that called KMS for the caller, from its own wording or its SDK framing. */
export function wrappingService(text: string, context: Context): string | undefined {
  if (context.lambdaEnvironment) return 'Lambda';
  if (DYNAMODB_KMS.test(text)) return 'DynamoDB';
  if (SECRETS_MANAGER_KMS.test(text)) return 'Secrets Manager';
  const goService = context.goClauses[0]?.service;
  if (goService !== undefined && goService !== 'KMS') return goService;
  const javaService = lastOf(context.javaClauses, (clause) => clause.service !== 'KMS')?.service;
  if (javaService !== undefined) return javaService;
  for (const clause of context.cliClauses) {
    const service = SERVICE_OF_OPERATION.get(clause.operation);
    if (service !== undefined && !KMS_OPERATIONS.has(clause.operation)) return service;
  }
  if (S3_ONLY_DETAIL.test(text)) return 'S3';
  return undefined;
}

export function serviceOfJavaName(name: string): string {
  const trimmed = name.trim();
  return SERVICE_OF_JAVA_NAME.get(trimmed.toLowerCase().replace(/\s+/g, '')) ?? trimmed;
}
