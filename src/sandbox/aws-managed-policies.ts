// The few AWS managed policies a KMS training scenario needs, with their published documents.
// Attaching any other arn:aws:iam::aws:policy/… ARN fails with NoSuchEntity, as it would for a typo.

export interface AwsManagedPolicy {
  readonly name: string;
  readonly description: string;
  readonly document: unknown;
}

const policy = (name: string, description: string, statements: unknown[]): [string, AwsManagedPolicy] => [
  `arn:aws:iam::aws:policy/${name}`,
  { name, description, document: { Version: '2012-10-17', Statement: statements } },
];

export const awsManagedPolicies: Readonly<Record<string, AwsManagedPolicy>> = Object.fromEntries([
  policy('AdministratorAccess', 'Provides full access to AWS services and resources.', [{ Effect: 'Allow', Action: '*', Resource: '*' }]),
  policy('ReadOnlyAccess', 'Provides read-only access to AWS services and resources (KMS and IAM part).', [
    {
      Effect: 'Allow',
      Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'iam:Get*', 'iam:List*', 'iam:Simulate*', 'sts:GetCallerIdentity'],
      Resource: '*',
    },
  ]),
  policy('IAMFullAccess', 'Provides full access to IAM.', [{ Effect: 'Allow', Action: ['iam:*', 'organizations:DescribeAccount', 'organizations:DescribeOrganization'], Resource: '*' }]),
  policy('AWSKeyManagementServicePowerUser', 'Provides access to AWS Key Management Service (KMS), except key deletion and key policy changes.', [
    {
      Effect: 'Allow',
      Action: [
        'kms:CreateAlias',
        'kms:CreateKey',
        'kms:DeleteAlias',
        'kms:Describe*',
        'kms:GenerateRandom',
        'kms:Get*',
        'kms:List*',
        'kms:TagResource',
        'kms:UntagResource',
        'iam:ListGroups',
        'iam:ListRoles',
        'iam:ListUsers',
      ],
      Resource: '*',
    },
  ]),
]);
