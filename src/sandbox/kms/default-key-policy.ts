// The key policies KMS writes itself: the default policy CreateKey applies when no policy is given
// (KMS developer guide, "Default key policy"), and the fixed policy of an AWS managed key such as
// aws/ebs, which lets every principal of the account use the key, but only through its service
// (kms:CallerAccount + kms:ViaService) and which nobody can change.

/** The policy CreateKey applies when the request has none: the account may delegate with IAM policies. */
export function defaultKeyPolicy(accountId: string): object {
  return {
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
}

interface ManagedKeyService {
  /** The service prefix of its kms:ViaService value (EBS calls KMS through ec2.<region>.amazonaws.com). */
  readonly viaService: string;
  /** How the policy's first statement names the service. */
  readonly displayName: string;
  readonly actions: readonly string[];
  /** What the service protects, for the key's description ("… protects my EBS volumes …"). */
  readonly protects: string;
}

const usageActions = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'] as const;
const usageWithGrants = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'] as const;

/** Services with an AWS managed key (alias/aws/<name>) that scenarios can declare. */
const managedKeyServices: Readonly<Record<string, ManagedKeyService>> = {
  ebs: { viaService: 'ec2', displayName: 'EBS', actions: usageWithGrants, protects: 'EBS volumes' },
  s3: { viaService: 's3', displayName: 'S3', actions: usageActions, protects: 'S3 objects' },
  rds: { viaService: 'rds', displayName: 'RDS', actions: [...usageWithGrants, 'kms:ListGrants'], protects: 'RDS databases' },
  secretsmanager: { viaService: 'secretsmanager', displayName: 'AWS Secrets Manager', actions: usageWithGrants, protects: 'Secrets Manager secrets' },
  ssm: { viaService: 'ssm', displayName: 'AWS Systems Manager', actions: usageActions, protects: 'SecureString parameters' },
  lambda: { viaService: 'lambda', displayName: 'AWS Lambda', actions: usageWithGrants, protects: 'Lambda functions' },
  sqs: { viaService: 'sqs', displayName: 'Amazon SQS', actions: usageActions, protects: 'SQS messages' },
  sns: { viaService: 'sns', displayName: 'Amazon SNS', actions: usageActions, protects: 'SNS topics' },
  dynamodb: { viaService: 'dynamodb', displayName: 'Amazon DynamoDB', actions: usageWithGrants, protects: 'DynamoDB tables' },
  elasticfilesystem: { viaService: 'elasticfilesystem', displayName: 'Amazon Elastic File System', actions: usageWithGrants, protects: 'Amazon EFS file systems' },
  kinesis: { viaService: 'kinesis', displayName: 'Amazon Kinesis', actions: usageActions, protects: 'Kinesis streams' },
  backup: { viaService: 'backup', displayName: 'AWS Backup', actions: usageWithGrants, protects: 'backups' },
};

/** Service names accepted by awsManagedKeyPolicy (the part after alias/aws/). */
export const awsManagedKeyServices: readonly string[] = Object.keys(managedKeyServices);

/** The kms:ViaService value of an AWS managed key's service in a Region, e.g. ec2.us-east-1.amazonaws.com for ebs. */
export function viaServiceFor(service: string, region: string): string | undefined {
  const known = managedKeyServices[service];
  return known ? `${known.viaService}.${region}.amazonaws.com` : undefined;
}

/** The description AWS gives an AWS managed key, e.g. "Default key that protects my EBS volumes when no other key is defined". */
export function awsManagedKeyDescription(service: string): string {
  const known = managedKeyServices[service];
  return `Default key that protects my ${known?.protects ?? `${service} resources`} when no other key is defined`;
}

/**
 * The policy of the AWS managed key alias/aws/<service> (for example `ebs`) in an account and Region,
 * shaped like the ones AWS creates (Id auto-ebs-2, …). Throws for a service not in awsManagedKeyServices.
 */
export function awsManagedKeyPolicy(accountId: string, service: string, region: string): object {
  const known = managedKeyServices[service];
  if (!known) throw new Error(`no AWS managed key is known for service "${service}" (known: ${awsManagedKeyServices.join(', ')})`);
  return {
    Version: '2012-10-17',
    Id: `auto-${service}-2`,
    Statement: [
      {
        Sid: `Allow access through ${known.displayName} for all principals in the account that are authorized to use ${known.displayName}`,
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: [...known.actions],
        Resource: '*',
        Condition: {
          StringEquals: {
            'kms:CallerAccount': accountId,
            'kms:ViaService': `${known.viaService}.${region}.amazonaws.com`,
          },
        },
      },
      {
        Sid: 'Allow direct access to key metadata to the account',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
        Resource: '*',
      },
    ],
  };
}
