// The scenario of a big platform account (issue 12): one key whose policy has 61 statements (about
// 31 KB, close to KMS's 32 KB limit) and thousands of grants for other principals, and the diagnosed
// role with 20 attached managed policies and an inline policy. Generated, not stored: the grant count
// is a parameter (5,000, and 10× that), and the file would be megabytes.
const account = '111122223333';
const keyId = '5ca1ab1e-0000-4000-8000-000000000001';
export const scaleKeyArn = `arn:aws:kms:us-east-1:${account}:key/${keyId}`;
export const scaleRoleArn = `arn:aws:iam::${account}:role/PlatformAppRole`;
export const scaleKeyAlias = 'alias/big';

/** Accounts outside the scenario (taken on trust by the loader): consumers named by the key policy and grants. */
const outside = (n: number) => String(200000000000 + n);

function keyPolicyStatements(): object[] {
  const statements: object[] = [
    { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
  ];
  for (let i = 1; i <= 60; i++) {
    const consumer = outside(i);
    statements.push({
      Sid: `AllowConsumerAccount${String(i).padStart(2, '0')}ViaS3`,
      Effect: 'Allow',
      Principal: { AWS: [`arn:aws:iam::${consumer}:role/ingest-writer`, `arn:aws:iam::${consumer}:role/report-reader`] },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:CallerAccount': consumer } },
    });
  }
  return statements;
}

function managedPolicies(): object[] {
  const services = ['s3', 'dynamodb', 'sqs', 'sns', 'logs', 'cloudwatch', 'ssm', 'secretsmanager', 'ecr', 'ecs', 'lambda', 'states', 'events', 'kinesis', 'firehose', 'glue', 'athena', 'xray', 'appconfig', 'sts'];
  return services.map((service, i) => ({
    name: `platform-${service}-access`,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Read', Effect: 'Allow', Action: [`${service}:Get*`, `${service}:List*`, `${service}:Describe*`], Resource: '*' },
        // One of them lets the role encrypt with the key, but none lets it decrypt: the diagnosis finds that.
        ...(i === 0 ? [{ Sid: 'EncryptUploads', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: scaleKeyArn }] : []),
      ],
    },
  }));
}

function grants(count: number): object[] {
  const list: object[] = [];
  // The role's own few grants (Encrypt only), among thousands for other principals.
  for (let i = 0; i < 3; i++) list.push({ granteePrincipal: scaleRoleArn, operations: ['Encrypt', 'GenerateDataKey'], name: `platform-app-${i}` });
  for (let i = list.length; i < count; i++) {
    list.push({
      granteePrincipal: `arn:aws:iam::${outside(1 + (i % 60))}:role/worker-${i}`,
      operations: ['Decrypt', 'GenerateDataKeyWithoutPlaintext'],
      name: `worker-${i}`,
      constraints: { EncryptionContextSubset: { tenant: `t-${i}` } },
    });
  }
  return list;
}

/** The scenario file's content, with `grantCount` grants on the key. */
export function scaleScenario(grantCount: number): object {
  const policies = managedPolicies();
  return {
    name: `scale-${grantCount}`,
    title: 'A big platform account',
    summary: `One key with a 61-statement policy and ${grantCount} grants; a role with 20 managed policies.`,
    defaultRegion: 'us-east-1',
    accounts: [{ id: account, name: 'platform-prod' }],
    managedPolicies: policies,
    users: [{ name: 'admin', inlinePolicies: { 'full-access': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } } }],
    roles: [
      {
        name: 'PlatformAppRole',
        sourceProfile: 'admin',
        attachedPolicies: policies.map((p) => (p as { name: string }).name),
        inlinePolicies: { 'describe-key': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: scaleKeyArn }] } },
      },
    ],
    keys: [{ keyId, description: 'Platform data key', aliases: [scaleKeyAlias], policy: { Version: '2012-10-17', Statement: keyPolicyStatements() }, grants: grants(grantCount) }],
  };
}
