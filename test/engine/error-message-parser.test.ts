// Every message below is a real one, copied as published; its source is named above it. Account
// numbers and ARNs are masked exactly as their authors masked them. "IAM-UG" is the IAM user guide page
// "Troubleshooting access denied error messages" (awsdocs/iam-user-guide doc_source/troubleshoot_access-denied.md,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html), "KMS-DG key-state"
// the KMS developer guide page "Key states" (awsdocs/aws-kms-developer-guide doc_source/key-state.md).
import { describe, expect, it } from 'vitest';
import { firstStepFor, parseKmsError, type ParsedError } from '../../src/engine/error-message-parser.js';

function parsed(text: string): ParsedError {
  const result = parseKmsError(text);
  if (result === undefined) throw new Error(`not recognised as a KMS refusal:\n${text}`);
  return result;
}

describe('the AWS CLI and SDK forms of an IAM access-denied sentence', () => {
  it('reads every field of a CLI Decrypt refusal', () => {
    // CTF write-up, `aws kms decrypt` transcript (public GitHub file, code index id 27227978964).
    const text =
      'An error occurred (AccessDeniedException) when calling the Decrypt operation: User: arn:aws:sts::011528296162:assumed-role/incogni-user-role-1de3a35e/CognitoIdentityCredentials is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-central-1:011528296162:key/79d35eb0-0dba-40f7-b76c-86791cf500a5 because no identity-based policy allows the kms:Decrypt action';
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'access-denied',
      errorCode: 'AccessDeniedException',
      operation: 'Decrypt',
      principal: 'arn:aws:sts::011528296162:assumed-role/incogni-user-role-1de3a35e/CognitoIdentityCredentials',
      action: 'kms:Decrypt',
      resource: 'arn:aws:kms:eu-central-1:011528296162:key/79d35eb0-0dba-40f7-b76c-86791cf500a5',
      keyArn: 'arn:aws:kms:eu-central-1:011528296162:key/79d35eb0-0dba-40f7-b76c-86791cf500a5',
      policyType: 'identity-based',
      denial: 'implicit',
      accountId: '011528296162',
      region: 'eu-central-1',
      missing: [],
    });
    expect(firstStepFor(result)).toBe('identity-policies');
  });

  it('reads a Go SDK refusal blaming the key policy, with a masked account and key', () => {
    // jbrt/ec2cryptomatic#26 (https://github.com/jbrt/ec2cryptomatic/issues/26)
    const text =
      '2021/10/19 12:56:32 Error with this key: AccessDeniedException: User: arn:aws:iam::3915824****:user/EC2Cryptomatic is not authorized to perform: kms:DescribeKey on resource: arn:aws:kms:us-west-2:3915824****:key/*****-048e-4be0-b497-ca151cd223c5 because no resource-based policy allows the kms:DescribeKey action.';
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'access-denied',
      errorCode: 'AccessDeniedException',
      operation: 'DescribeKey',
      principal: 'arn:aws:iam::3915824****:user/EC2Cryptomatic',
      action: 'kms:DescribeKey',
      resource: 'arn:aws:kms:us-west-2:3915824****:key/*****-048e-4be0-b497-ca151cd223c5',
      policyType: 'resource-based',
      denial: 'implicit',
      region: 'us-west-2',
      // The key ID is masked: the diagnosis must still find the key.
      missing: ['key'],
    });
    expect(firstStepFor(result)).toBe('key-policy');
  });

  it('reads a Go SDK v1 refusal with its status line and request ID', () => {
    // ministryofjustice/modernisation-platform#1296 (https://github.com/ministryofjustice/modernisation-platform/pull/1296)
    const text = `----------ERROR-------
Encountered error while initiating handshake. KMSEncryption failed on client with status 2 error: Failed to process action KMSEncryption: Error calling KMS GenerateDataKey API: AccessDeniedException: User: arn:aws:sts::612659970365:assumed-role/AWSReservedSSO_modernisation-platform-developer_a128c494c6e3fd65/rwhittlemoj@digital.justice.gov.uk is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:eu-west-2:612659970365:key/a466d1fa-5c7f-4b10-8343-08763635d8c4 because no resource-based policy allows the kms:GenerateDataKey action
\tstatus code: 400, request id: 96cd8f10-df00-4bf8-925e-f57c77d90efd`;
    expect(parsed(text)).toEqual({
      kind: 'access-denied',
      errorCode: 'AccessDeniedException',
      operation: 'GenerateDataKey',
      principal:
        'arn:aws:sts::612659970365:assumed-role/AWSReservedSSO_modernisation-platform-developer_a128c494c6e3fd65/rwhittlemoj@digital.justice.gov.uk',
      action: 'kms:GenerateDataKey',
      resource: 'arn:aws:kms:eu-west-2:612659970365:key/a466d1fa-5c7f-4b10-8343-08763635d8c4',
      keyArn: 'arn:aws:kms:eu-west-2:612659970365:key/a466d1fa-5c7f-4b10-8343-08763635d8c4',
      policyType: 'resource-based',
      denial: 'implicit',
      requestId: '96cd8f10-df00-4bf8-925e-f57c77d90efd',
      accountId: '612659970365',
      region: 'eu-west-2',
      missing: [],
    });
  });

  it('reads a refusal returned as JSON and escaped twice inside a log line', () => {
    // aws/aws-nitro-enclaves-sdk-c#157 (https://github.com/aws/aws-nitro-enclaves-sdk-c/issues/157)
    const text = String.raw`{\"__type\":\"AccessDeniedException\",\"Message\":\"User: arn:aws:sts::xxxxxxxxxxxx:assumed-role/enclave_role/i-09654650371b8eff3 is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-central-1:xxxxxxxxxxxx:key/e7b0fb1b-8903-4a44-afd9-baa76f246adc with an explicit deny in a resource-based policy\"}\\nCould not read response from KMS\\nCould not decrypt ciphertext\\nCould not decrypt\\n\\n')",\"s\":\"CC\",\"tamperstatus\":\"Not tampered!\",\"verify\":true}`;
    const result = parsed(text);
    expect(result).toMatchObject({
      kind: 'access-denied',
      errorCode: 'AccessDeniedException',
      principal: 'arn:aws:sts::xxxxxxxxxxxx:assumed-role/enclave_role/i-09654650371b8eff3',
      action: 'kms:Decrypt',
      keyArn: 'arn:aws:kms:eu-central-1:xxxxxxxxxxxx:key/e7b0fb1b-8903-4a44-afd9-baa76f246adc',
      policyType: 'resource-based',
      denial: 'explicit',
      region: 'eu-central-1',
    });
    expect(result.denyingPolicyArn).toBeUndefined();
    expect(result.accountId).toBeUndefined();
    expect(firstStepFor(result)).toBe('key-policy');
  });

  it('joins a message wrapped over several lines', () => {
    // aws/copilot-cli#5500 (https://github.com/aws/copilot-cli/issues/5500)
    const text = `✘ upload manual/templates/test-app-production/xxxxxxxxxxxxx.yml to bucket 
stackset-test-app-infrastruc-pipelinebuiltartifactbuc-cgxxxxxxxxx: AccessDenied: 
User: arn:aws:iam::0123456789:user/copilot-cli-admin is not authorized to perform: kms:GenerateDataKey on
resource: arn:aws:kms:ap-northeast-1:0123456789:key/xxxxxxxxxxxxxxxxxx because no identity-based 
policy allows the kms:GenerateDataKey action`;
    expect(parsed(text)).toMatchObject({
      kind: 'access-denied',
      errorCode: 'AccessDenied',
      principal: 'arn:aws:iam::0123456789:user/copilot-cli-admin',
      action: 'kms:GenerateDataKey',
      resource: 'arn:aws:kms:ap-northeast-1:0123456789:key/xxxxxxxxxxxxxxxxxx',
      policyType: 'identity-based',
      denial: 'implicit',
      region: 'ap-northeast-1',
    });
  });

  it('strips colour codes from a terminal paste', () => {
    // Same CLI transcript as the first test (code index id 27227978964), as a colour terminal prints it.
    const text =
      '\u001b[1m\u001b[31m\nAn error occurred (AccessDeniedException) when calling the Decrypt operation: \u001b[0mUser: arn:aws:sts::011528296162:assumed-role/incogni-user-role-1de3a35e/CognitoIdentityCredentials is not authorized to perform: \u001b[1mkms:Decrypt\u001b[0m on resource: \u001b[36marn:aws:kms:eu-central-1:011528296162:key/79d35eb0-0dba-40f7-b76c-86791cf500a5\u001b[0m because no identity-based policy allows the kms:Decrypt action\u001b[0m\n';
    expect(parsed(text)).toMatchObject({
      action: 'kms:Decrypt',
      keyArn: 'arn:aws:kms:eu-central-1:011528296162:key/79d35eb0-0dba-40f7-b76c-86791cf500a5',
      policyType: 'identity-based',
      missing: [],
    });
  });
});

describe('refusals wrapped by the service that called KMS', () => {
  it('S3, framed by the CLI GetObject call', () => {
    // cisagov/XFD#1371 (https://github.com/cisagov/XFD/pull/1371)
    const text =
      '[ERROR] ClientError: An error occurred (AccessDenied) when calling the GetObject operation: User: arn:aws:sts::<>:assumed-role/crossfeed-staging-cd-api-us-east-1-lambdaRole/crossfeed-staging-cd-api is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:<>:key/<> because no identity-based policy allows the kms:Decrypt action';
    expect(parsed(text)).toEqual({
      kind: 'access-denied',
      errorCode: 'AccessDenied',
      operation: 'GetObject',
      principal: 'arn:aws:sts::<>:assumed-role/crossfeed-staging-cd-api-us-east-1-lambdaRole/crossfeed-staging-cd-api',
      action: 'kms:Decrypt',
      resource: 'arn:aws:kms:us-east-1:<>:key/<>',
      policyType: 'identity-based',
      denial: 'implicit',
      service: 'S3',
      region: 'us-east-1',
      missing: ['key'],
    });
  });

  it('S3, known by its host ID in a Go SDK v1 message', () => {
    // ministryofjustice/modernisation-platform#11726 (https://github.com/ministryofjustice/modernisation-platform/pull/11726)
    const text =
      'error creating GZIP reader for file "r53-public-dns-logs/2025/10/15/10/r53-public-dns-logs-to-s3-2-2025-10-15-10-07-47-59a27961-4151-4fdb-bbec-025ebc3e38ef" (event: "ObjectCreated:Put", bucket: "modernisation-platform-logs-r53-public-dns-logs"): AccessDenied: User: arn:aws:sts::624384546187:assumed-role/cortex_xsiam20240930112820077540000001/xdr-collection is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-2:624384546187:key/b997e702-260d-456b-95c4-270624f53307 because no identity-based policy allows the kms:Decrypt action status code: 403, request id: TMZDENVDWQ8V6JV53, host id: 6Av1FXprlxRXDazevV+VEmp2Y9AImBndpQe9biZPA/uW2nBGR9RKxrILhF+2qTlGANGDKJ6yH/rQ=';
    expect(parsed(text)).toMatchObject({
      kind: 'access-denied',
      errorCode: 'AccessDenied',
      operation: 'Decrypt',
      service: 'S3',
      requestId: 'TMZDENVDWQ8V6JV53',
      accountId: '624384546187',
      keyArn: 'arn:aws:kms:eu-west-2:624384546187:key/b997e702-260d-456b-95c4-270624f53307',
    });
  });

  it('SNS, whose KMSAccessDenied quotes KMS’s own Java error clause', () => {
    // trussworks/terraform-aws-s3-anti-virus#48 (https://github.com/trussworks/terraform-aws-s3-anti-virus/pull/48)
    const text =
      '[ERROR] KMSAccessDeniedException: An error occurred (KMSAccessDenied) when calling the Publish operation: User: arn:aws:sts::193567999519:assumed-role/lambda-alpha-amsterdam-clamav-scan/alpha-amsterdam-clamav-scan is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:193567999519:key/810965d7-2cf3-4704-b084-49d84f88ff1b because no identity-based policy allows the kms:Decrypt action (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: b28b1b5a-9032-421c-be02-e0b9558b2509; Proxy: null)';
    expect(parsed(text)).toMatchObject({
      kind: 'access-denied',
      errorCode: 'AccessDeniedException',
      operation: 'Publish',
      action: 'kms:Decrypt',
      service: 'SNS',
      requestId: 'b28b1b5a-9032-421c-be02-e0b9558b2509',
      policyType: 'identity-based',
    });
  });

  it('Lambda environment variables, with the IAM sentence inside and placeholders for the ARNs', () => {
    // cattle-ops/terraform-aws-gitlab-runner#1253 (https://github.com/cattle-ops/terraform-aws-gitlab-runner/pull/1253)
    const text = `Calling the invoke API action failed with this message: Lambda was unable to decrypt the environment variables
because KMS access was denied. Please check the function's KMS key settings. KMS Exception:
AccessDeniedExceptionKMS Message: User: <arn here> is not authorized to perform: kms:Decrypt on resource:
<arn here> because no identity-based policy allows the kms:Decrypt action (Service: Kms, Status Code: 400,
Request ID: <request id here>)`;
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'access-denied',
      errorCode: 'AccessDeniedException',
      operation: 'Decrypt',
      action: 'kms:Decrypt',
      policyType: 'identity-based',
      denial: 'implicit',
      service: 'Lambda',
      missing: ['principal', 'key'],
    });
    expect(firstStepFor(result)).toBe('identity-policies');
  });

  it('Lambda environment variables, with the classic vague denial: a stale grant first', () => {
    // serverless/examples#279, comment by dithos211 (https://github.com/serverless/examples/issues/279)
    const text =
      "\"Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings. KMS Exception: AccessDeniedExceptionKMS Message: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.\"";
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'ciphertext-key-unknown',
      errorCode: 'AccessDeniedException',
      operation: 'Decrypt',
      action: 'kms:Decrypt',
      resourceDescription: 'ciphertext',
      denial: 'obscured',
      service: 'Lambda',
      missing: ['principal', 'key'],
    });
    expect(firstStepFor(result)).toBe('grants');
  });

  it('Lambda environment variables, as the console test shows them', () => {
    // DataBiosphere/azul#4200 (https://github.com/DataBiosphere/azul/issues/4200)
    const text =
      "Calling the invoke API action failed with this message: Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings. KMS Exception: AccessDeniedExceptionKMS Message: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.";
    expect(parsed(text)).toMatchObject({ kind: 'ciphertext-key-unknown', service: 'Lambda', action: 'kms:Decrypt' });
  });

  it('DynamoDB, which quotes the KMS Java exception inside its own', () => {
    // aws/aws-cdk#18616 (https://github.com/aws/aws-cdk/issues/18616)
    const text =
      'KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: *****; Proxy: null) (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: AccessDeniedException; Request ID: ****; Proxy: null)';
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'ciphertext-key-unknown',
      errorCode: 'AccessDeniedException',
      resourceDescription: 'ciphertext',
      denial: 'obscured',
      service: 'DynamoDB',
      missing: ['principal', 'operation', 'key'],
    });
    expect(firstStepFor(result)).toBe('key-policy');
  });

  it('DynamoDB, framed by the CLI PutItem call', () => {
    // aws-samples/aws-secure-environment-accelerator#919 (https://github.com/aws-samples/aws-secure-environment-accelerator/pull/919)
    const text =
      'An error occurred (AccessDeniedException) when calling the PutItem operation: KMS key access denied error: com.amazonaws.services.kms.model.AWSKMSException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 0e35c348-57ef-4b0a-81e7-87e3fd0e4344; Proxy: null)';
    expect(parsed(text)).toMatchObject({
      kind: 'ciphertext-key-unknown',
      operation: 'PutItem',
      service: 'DynamoDB',
      requestId: '0e35c348-57ef-4b0a-81e7-87e3fd0e4344',
    });
  });

  it('SSM Parameter Store, with log noise before the boto3 exception', () => {
    // tryolabs/aws-workshop#6 (https://github.com/tryolabs/aws-workshop/issues/6)
    const text =
      '``[stderr]botocore.exceptions.ClientError: An error occurred (AccessDeniedException) when calling the GetParameter operation: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 5f642215-959a-11e8-bfd1-81a81941d54a)``';
    expect(parsed(text)).toEqual({
      kind: 'ciphertext-key-unknown',
      errorCode: 'AccessDeniedException',
      operation: 'GetParameter',
      resourceDescription: 'ciphertext',
      denial: 'obscured',
      service: 'SSM',
      requestId: '5f642215-959a-11e8-bfd1-81a81941d54a',
      missing: ['principal', 'key'],
    });
  });

  it('Secrets Manager, which says only that KMS refused', () => {
    // aws/aws-cdk#7677 (https://github.com/aws/aws-cdk/issues/7677)
    const text =
      '3/4 | 2:40:06 PM | CREATE_FAILED        | AWS::SecretsManager::Secret | Secret (SecretA720EF05) Access to KMS is not allowed (Service: AWSSecretsManager; Status Code: 400; Error Code: AccessDeniedException; Request ID: <an id>)';
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'access-denied',
      errorCode: 'AccessDeniedException',
      service: 'Secrets Manager',
      missing: ['principal', 'operation', 'key'],
    });
    expect(firstStepFor(result)).toBeUndefined();
  });

  it('Secrets Manager, framed by the CLI GetSecretValue call', () => {
    // aws-samples/aws-secrets-manager-rotation-lambdas#53 (https://github.com/aws-samples/aws-secrets-manager-rotation-lambdas/issues/53)
    const text =
      'ClientError: An error occurred (AccessDeniedException) when calling the GetSecretValue operation: Access to KMS is not allowed';
    expect(parsed(text)).toMatchObject({
      kind: 'access-denied',
      errorCode: 'AccessDeniedException',
      operation: 'GetSecretValue',
      service: 'Secrets Manager',
    });
  });

  it('S3 as XML, with the classic vague denial', () => {
    // chadgeary/nifi#13 (https://github.com/chadgeary/nifi/issues/13)
    const text = `<Error>
<Code>AccessDenied</Code>
<Message>The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.</Message>
<RequestId>ZRZ47BQH6ENT1WB6</RequestId>
<HostId>XhatbJKMqo9F31Zzt2M/B6pyESgrBx86BPH9nGAUZH/G7O8cmJMl2olhhzhERkm/SX7MXJD48R0=</HostId>
</Error>`;
    expect(parsed(text)).toMatchObject({
      kind: 'ciphertext-key-unknown',
      errorCode: 'AccessDenied',
      service: 'S3',
      requestId: 'ZRZ47BQH6ENT1WB6',
    });
  });

  it('S3, framed by `aws s3 cp`', () => {
    // ministryofjustice/modernisation-platform#3468 (https://github.com/ministryofjustice/modernisation-platform/issues/3468)
    const text =
      '[root@ip-10-26-57-175 bin]# aws s3 cp s3://modernisation-platform-software20230224000709766100000001/laa-platform/cloudwatch-agent-config/config.json /opt/aws/amazon-cloudwatch-agent/bin/.\ndownload failed: s3://modernisation-platform-software20230224000709766100000001/laa-platform/cloudwatch-agent-config/config.json to ../../opt/aws/amazon-cloudwatch-agent/bin/config.json An error occurred (AccessDenied) when calling the GetObject operation: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.';
    expect(parsed(text)).toMatchObject({
      kind: 'ciphertext-key-unknown',
      errorCode: 'AccessDenied',
      operation: 'GetObject',
      service: 'S3',
    });
  });

  it('RDS, whose own fault names a KMS key it cannot use', () => {
    // pbudzon/aws-maintenance#13 (https://github.com/pbudzon/aws-maintenance/issues/13)
    const text =
      '"errorMessage": "An error occurred (KMSKeyNotAccessibleFault) when calling the CopyDBSnapshot operation: The source snapshot KMS key does not exist, is not enabled or you do not have permissions to access it"';
    expect(parsed(text)).toMatchObject({
      kind: 'other',
      errorCode: 'KMSKeyNotAccessibleFault',
      operation: 'CopyDBSnapshot',
      service: 'RDS',
    });
  });
});

describe('the classic and the obscured denials', () => {
  it('the classic message alone, as the Lambda console shows it', () => {
    // aws/chalice#1103 (https://github.com/aws/chalice/issues/1103)
    const result = parsed(
      'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.',
    );
    expect(result).toEqual({
      kind: 'ciphertext-key-unknown',
      resourceDescription: 'ciphertext',
      denial: 'obscured',
      missing: ['principal', 'operation', 'key'],
    });
    expect(firstStepFor(result)).toBe('key-policy');
  });

  it('the classic message from the JavaScript SDK', () => {
    // aceew/aws-lambda-env-vars#7 (https://github.com/aceew/aws-lambda-env-vars/issues/7)
    const text =
      'Caught an error: AccessDeniedException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.';
    expect(parsed(text)).toMatchObject({ kind: 'ciphertext-key-unknown', errorCode: 'AccessDeniedException' });
  });

  it('the classic message from the Java SDK, whose request ID was redacted', () => {
    // Droplr/aws-env#29 (https://github.com/Droplr/aws-env/issues/29)
    const text =
      'panic: AccessDeniedException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: xxx)';
    const result = parsed(text);
    expect(result).toMatchObject({ kind: 'ciphertext-key-unknown', errorCode: 'AccessDeniedException' });
    expect(result.requestId).toBeUndefined();
    expect(result.service).toBeUndefined();
  });

  it('the obscured denial for the key behind a ciphertext, inside S3’s XML', () => {
    // onnela-lab/beiwe-backend#363 (https://github.com/onnela-lab/beiwe-backend/issues/363)
    const text =
      '<Message>User: ****/us-east-2-cstore-role/elasticbeanstalk-aws is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access</Message>';
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'access-denied',
      operation: 'Decrypt',
      action: 'kms:Decrypt',
      resourceDescription: 'ciphertext',
      denial: 'obscured',
      missing: ['principal', 'key'],
    });
    expect(firstStepFor(result)).toBe('key-policy');
  });

  it('the obscured denial in an application log line', () => {
    // metaps/genova#375 (https://github.com/metaps/genova/issues/375)
    const text =
      'E, [2023-10-22T07:02:36.758323 #1] ERROR -- : User: arn:aws:sts::***:assumed-role/***/*** is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access';
    expect(parsed(text)).toMatchObject({
      principal: 'arn:aws:sts::***:assumed-role/***/***',
      resourceDescription: 'ciphertext',
      denial: 'obscured',
      missing: ['key'],
    });
  });

  it('the obscured denial on "this resource", for a key in another account', () => {
    // sqlxpert/aws-rcp-s3-require-encryption-kms README.md, "Insufficient KMS key usage permissions (key is
    // in a different AWS account)": the README gives the common start and this continuation separately.
    const text = `An error occurred (AccessDenied) when calling the PutObject operation:
User: arn:aws:sts::112233445566:assumed-role/AWSReservedSSO_PermSetName_0123456789abcdef/abcde
is not authorized to perform:
kms:GenerateDataKey
on this resource
because the resource does not exist in this Region,
no resource-based policies allow access,
or a resource-based policy explicitly denies access`;
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'access-denied',
      errorCode: 'AccessDenied',
      operation: 'PutObject',
      principal: 'arn:aws:sts::112233445566:assumed-role/AWSReservedSSO_PermSetName_0123456789abcdef/abcde',
      action: 'kms:GenerateDataKey',
      resourceDescription: 'this-resource',
      denial: 'obscured',
      service: 'S3',
      accountId: '112233445566',
      missing: ['key'],
    });
    expect(firstStepFor(result)).toBe('key-policy');
  });

  it('"on this resource" with a named policy type is not obscured', () => {
    // sqlxpert/aws-rcp-s3-require-encryption-kms README.md, "Insufficient KMS key usage permissions" (the
    // stray closing quote is in the README).
    const text = `An error occurred (AccessDenied) when calling the PutObject operation:
User: arn:aws:sts::112233445566:assumed-role/AWSReservedSSO_PermSetName_0123456789abcdef/abcde
is not authorized to perform: kms:GenerateDataKey
on this resource
because no identity-based policy allows the kms:GenerateDataKey action"`;
    expect(parsed(text)).toMatchObject({
      resourceDescription: 'this-resource',
      policyType: 'identity-based',
      denial: 'implicit',
      missing: ['key'],
    });
  });
});

describe('every policy type AWS names (IAM-UG examples, line breaks as published)', () => {
  it('service control policy, explicit, with no resource clause', () => {
    // IAM-UG, "Access denied due to a Service Control Policy"
    const result = parsed(`User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: 
codecommit:ListRepositories with an explicit deny in a service control policy`);
    expect(result).toEqual({
      kind: 'access-denied',
      principal: 'arn:aws:iam::777788889999:user/JohnDoe',
      action: 'codecommit:ListRepositories',
      policyType: 'service-control',
      denial: 'explicit',
      accountId: '777788889999',
      missing: ['operation', 'key'],
    });
    expect(firstStepFor(result)).toBeUndefined();
  });

  it('VPC endpoint policy, implicit and explicit', () => {
    // IAM-UG, "Access denied due to a VPC endpoint policy"
    expect(
      parsed(`User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: 
  codecommit:ListRepositories because no VPC endpoint policy allows the codecommit:ListRepositories action`),
    ).toMatchObject({ policyType: 'vpc-endpoint', denial: 'implicit', action: 'codecommit:ListRepositories' });
    expect(
      parsed(`User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: 
  codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in a VPC endpoint policy`),
    ).toMatchObject({
      policyType: 'vpc-endpoint',
      denial: 'explicit',
      resource: 'arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*',
    });
  });

  it('permissions boundary, which AWS names without the word "policy"', () => {
    // IAM-UG, "Access denied due to a permissions boundary"
    const implicit = parsed(`User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: 
  codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* because no permissions boundary allows the codedeploy:ListDeployments action`);
    expect(implicit).toMatchObject({ policyType: 'permissions-boundary', denial: 'implicit' });
    expect(firstStepFor(implicit)).toBe('identity-policies');
    expect(
      parsed(`User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: 
  sagemaker:ListModels with an explicit deny in a permissions boundary`),
    ).toMatchObject({ policyType: 'permissions-boundary', denial: 'explicit', action: 'sagemaker:ListModels' });
  });

  it('session policy, including the documented "sessions policy" spelling', () => {
    // IAM-UG, "Access denied due to session policies"
    const implicit = parsed(`User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: 
  codecommit:ListRepositories because no session policy allows the codecommit:ListRepositories action`);
    expect(implicit).toMatchObject({ policyType: 'session', denial: 'implicit' });
    expect(firstStepFor(implicit)).toBe('identity-policies');
    expect(
      parsed(`User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: 
  codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in a sessions policy`),
    ).toMatchObject({ policyType: 'session', denial: 'explicit' });
  });

  it('resource-based policy, implicit and explicit', () => {
    // IAM-UG, "Access denied due to resource-based policies"
    expect(
      parsed(`User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: 
  secretsmanager:GetSecretValue because no resource-based policy allows the secretsmanager:GetSecretValue action`),
    ).toMatchObject({ policyType: 'resource-based', denial: 'implicit', action: 'secretsmanager:GetSecretValue' });
    expect(
      parsed(`User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: 
  secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:* with an explicit deny in a resource-based policy`),
    ).toMatchObject({ policyType: 'resource-based', denial: 'explicit' });
  });

  it('role trust policy, including the documented wording without "no"', () => {
    // IAM-UG, "Access denied due to role trust policies"
    const implicit = parsed(`User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: 
  sts:AssumeRole because the role trust policy allows the sts:AssumeRole action`);
    expect(implicit).toMatchObject({ policyType: 'role-trust', denial: 'implicit', action: 'sts:AssumeRole' });
    expect(firstStepFor(implicit)).toBeUndefined();
    expect(
      parsed(`User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: 
  sts:AssumeRole with an explicit deny in the role trust policy`),
    ).toMatchObject({ policyType: 'role-trust', denial: 'explicit' });
  });

  it('identity-based policy, explicit', () => {
    // IAM-UG, "Access denied due to identity-based policies"
    expect(
      parsed(`User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: 
  codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in an identity-based policy`),
    ).toMatchObject({ policyType: 'identity-based', denial: 'explicit' });
  });

  it('a VPC endpoint policy transitively through an SCP blames the SCP', () => {
    // IAM-UG, "Access denied when a VPC request fails due to another policy" ("check … in your SCPs")
    expect(
      parsed(`User: arn:aws:sts::111122223333:assumed-role/role-name/role-session-name is not authorized to perform: 
SNS:Publish on resource: arn:aws:sns:us-east-1:444455556666:role-name-2 
with an explicit deny in a VPC endpoint policy transitively through a service control policy`),
    ).toMatchObject({
      action: 'SNS:Publish',
      resource: 'arn:aws:sns:us-east-1:444455556666:role-name-2',
      policyType: 'service-control',
      denial: 'explicit',
      accountId: '111122223333',
    });
  });

  it('resource control policy, with the resource quoted by S3', () => {
    // sqlxpert/aws-rcp-s3-require-encryption-kms README.md, "Encryption not requested"
    const text = `An error occurred (AccessDenied) when calling the PutObject operation:
User: arn:aws:sts::112233445566:assumed-role/AWSReservedSSO_PermSetName_0123456789abcdef/abcde
is not authorized to perform: s3:PutObject
on resource: "arn:aws:s3:::test-kms-encryption-required/non-encrypted.txt"
with an explicit deny in a resource control policy`;
    const result = parsed(text);
    expect(result).toMatchObject({
      kind: 'access-denied',
      operation: 'PutObject',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::test-kms-encryption-required/non-encrypted.txt',
      policyType: 'resource-control',
      denial: 'explicit',
      service: 'S3',
    });
    expect(firstStepFor(result)).toBeUndefined();
  });

  it('the older wording with a bare "with an explicit deny" and no policy type', () => {
    // cloud-custodian/cloud-custodian#4736 (https://github.com/cloud-custodian/cloud-custodian/issues/4736)
    const text =
      'botocore.exceptions.ClientError: An error occurred (AccessDeniedException) when calling the GetFunction operation: User: arn:aws:iam::1111111111:user/USERNAME is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:11111111111:function:custodian-s3-deny-public-object-acl-realtime with an explicit deny';
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'access-denied',
      errorCode: 'AccessDeniedException',
      operation: 'GetFunction',
      principal: 'arn:aws:iam::1111111111:user/USERNAME',
      action: 'lambda:GetFunction',
      resource: 'arn:aws:lambda:us-east-1:11111111111:function:custodian-s3-deny-public-object-acl-realtime',
      denial: 'explicit',
      missing: ['key'],
    });
    expect(firstStepFor(result)).toBeUndefined();
  });

  it('the ARN of the service control policy that denied, behind a CLI error', () => {
    // ministryofjustice/aws-root-account#1494 (https://github.com/ministryofjustice/aws-root-account/pull/1494)
    const text =
      'aws: [ERROR]: An error occurred (AccessDenied) when calling the CreateDBInstance operation: User: arn:aws:sts::REMOVED:assumed-role/AWSReservedSSO_AdministratorAccess_a7491ea25c15715b/ep-93@digital.justice.gov.uk is not authorized to perform: rds:CreateDBInstance on resource: arn:aws:rds:eu-west-2:REMOVED:db:test-unencrypted with an explicit deny in a service control policy: arn:aws:organizations::REMOVED:policy/o-b2fpbzyd95/service_control_policy/p-v4qqk7we\n`';
    expect(parsed(text)).toMatchObject({
      operation: 'CreateDBInstance',
      policyType: 'service-control',
      denial: 'explicit',
      denyingPolicyArn: 'arn:aws:organizations::REMOVED:policy/o-b2fpbzyd95/service_control_policy/p-v4qqk7we',
    });
  });

  it('the ARN of an AWS managed identity policy that denied, in a Terraform error frame', () => {
    // A Terraform apply log in a public GitHub repository (code index id 52299538375).
    const text =
      '│ Error: creating EC2 Instance: operation error EC2: RunInstances, https response error StatusCode: 403, RequestID: 08029a71-b9d5-466d-a865-61638feba2dd, api error UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:iam::966994807536:user/Anup is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:ap-south-1:966994807536:instance/* with an explicit deny in an identity-based policy: arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3. Encoded authorization failure message: GHi3Mmcygm9wNWTtxemhhQKYGdXfcL1Dn5TQURkzFSRZy-6icjPACU2tFO2ZAIJkiKFhxpmkWDKKQST0VHWniSQhulAQHDYslc77m2IJY5iQU';
    expect(parsed(text)).toMatchObject({
      operation: 'RunInstances',
      service: 'EC2',
      requestId: '08029a71-b9d5-466d-a865-61638feba2dd',
      principal: 'arn:aws:iam::966994807536:user/Anup',
      policyType: 'identity-based',
      denial: 'explicit',
      denyingPolicyArn: 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3',
    });
  });

  it('a PowerShell session pasted whole: the refusal, not the get-caller-identity output, and the first of three repeats', () => {
    // A Terraform session log in a public GitHub repository (code index id 68300121817).
    const text = `PS D:\\DJ\\devops\\01-TERRAFORM-CT01\\terraform-02-s3> aws sts get-caller-identity --region us-east-1
{                                                                                                                                                                                           
    "UserId": "AROA3MCDEP5D2WPOIP7GM:user4611055=a29318@svalero.com",
    "Account": "781824851783",
    "Arn": "arn:aws:sts::781824851783:assumed-role/voclabs/user4611055=a29318@svalero.com"
}

PS D:\\DJ\\devops\\01-TERRAFORM-CT01\\terraform-02-s3> terraform plan
aws_s3_bucket.bucket_aula: Refreshing state... [id=s3-bucket-diegojusto]

Planning failed. Terraform encountered an error while generating this plan.
╷
│ Error: reading S3 Bucket (s3-bucket-diegojusto) object lock configuration: operation error S3: GetObjectLockConfiguration, https response error StatusCode: 403, RequestID: MZNWSVNEKP6YBKF4, HostID: XGpiCY9n6ExipadbJBTt6NpEI8ftJWXLzWfVVlpUOf9PYAcfXRfWsVXcEybWJHigEB8dcrK2vAuqD/UAkilzCgb1tIW6L+Ks, api error AccessDenied: User: arn:aws:sts::781824851783:assumed-role/voclabs/user4611055=a29318@svalero.com is not authorized to perform: s3:GetBucketObjectLockConfiguration on resource: "arn:aws:s3:::s3-bucket-diegojusto" with an explicit deny in a service control policy: arn:aws:organizations::021312171183:policy/o-zmj0qsgu0z/service_control_policy/p-6v4y751d
│ 
│   with aws_s3_bucket.bucket_aula,
│   on main.tf line 13, in resource "aws_s3_bucket" "bucket_aula":
│   13: resource "aws_s3_bucket" "bucket_aula" {
│ 
╵
PS D:\\DJ\\devops\\01-TERRAFORM-CT01\\terraform-02-s3> terraform apply
╷
│ Error: reading S3 Bucket (s3-bucket-diegojusto) object lock configuration: operation error S3: GetObjectLockConfiguration, https response error StatusCode: 403, RequestID: 58Q4ZPE36G1FA784, HostID: Ti/opuTbMSlOYPHC5WLaCGNxvIErutjx5OkIbmD7fs5Umgrk1N04pTy3DneJNsntlY519udVK5k=, api error AccessDenied: User: arn:aws:sts::781824851783:assumed-role/voclabs/user4611055=a29318@svalero.com is not authorized to perform: s3:GetBucketObjectLockConfiguration on resource: "arn:aws:s3:::s3-bucket-diegojusto" with an explicit deny in a service control policy: arn:aws:organizations::021312171183:policy/o-zmj0qsgu0z/service_control_policy/p-6v4y751d
│ 
╵`;
    expect(parsed(text)).toEqual({
      kind: 'access-denied',
      errorCode: 'AccessDenied',
      operation: 'GetObjectLockConfiguration',
      principal: 'arn:aws:sts::781824851783:assumed-role/voclabs/user4611055=a29318@svalero.com',
      action: 's3:GetBucketObjectLockConfiguration',
      resource: 'arn:aws:s3:::s3-bucket-diegojusto',
      policyType: 'service-control',
      denial: 'explicit',
      denyingPolicyArn: 'arn:aws:organizations::021312171183:policy/o-zmj0qsgu0z/service_control_policy/p-6v4y751d',
      service: 'S3',
      requestId: 'MZNWSVNEKP6YBKF4',
      accountId: '781824851783',
      missing: ['key'],
    });
  });
});

describe('look-alikes: key states, missing keys and ciphertext errors', () => {
  it('a disabled key, quoted with escaped line breaks in a Terraform test log', () => {
    // hashicorp/terraform#14029 (https://github.com/hashicorp/terraform/pull/14029)
    const text =
      '* aws_kms_key.bar: Failed to set key rotation for "c98e0539-7d2a-4bdf-9380-0a5258a69b44" to true: "DisabledException: arn:aws:kms:us-west-2:*******:key/c98e0539-7d2a-4bdf-9380-0a5258a69b44 is disabled.\\n\\tstatus code: 400, request id: 6a240630-2b16-11e7-b764-abbc11cb3f70"';
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'key-disabled',
      errorCode: 'DisabledException',
      keyArn: 'arn:aws:kms:us-west-2:*******:key/c98e0539-7d2a-4bdf-9380-0a5258a69b44',
      requestId: '6a240630-2b16-11e7-b764-abbc11cb3f70',
      region: 'us-west-2',
      missing: ['principal', 'operation'],
    });
    expect(firstStepFor(result)).toBe('key-state');
  });

  it('a key pending deletion', () => {
    // hashicorp/terraform-provider-aws#17889 (https://github.com/hashicorp/terraform-provider-aws/issues/17889)
    const text =
      'Error: error scheduling deletion for KMS Key (abc-123-def-09876): KMSInvalidStateException: arn:aws:kms:somewhere:123456789012:key/abc-123-def-09876 is pending deletion.';
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'key-pending-deletion',
      errorCode: 'KMSInvalidStateException',
      keyArn: 'arn:aws:kms:somewhere:123456789012:key/abc-123-def-09876',
      accountId: '123456789012',
      missing: ['principal', 'operation'],
    });
    expect(firstStepFor(result)).toBe('key-state');
  });

  it('a key pending deletion reported as DisabledException, and one that is *not* pending deletion', () => {
    // KMS-DG key-state, table details [2] and [4], filled with the docs' example key ARN.
    const arn = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(parsed(`DisabledException: ${arn} is pending deletion.`)).toMatchObject({
      kind: 'key-pending-deletion',
      errorCode: 'DisabledException',
      keyArn: arn,
    });
    const notPending = parsed(`KMSInvalidStateException: ${arn} is not pending deletion.`);
    expect(notPending).toMatchObject({ kind: 'other', errorCode: 'KMSInvalidStateException' });
    expect(firstStepFor(notPending)).toBe('key-state');
  });

  it('a key pending import', () => {
    // hashicorp/terraform-provider-aws internal/service/kms/external_key.go, comment quoting the API error
    const text =
      '// "KMSInvalidStateException: arn:aws:kms:us-west-2:123456789012:key/47e3edc1-945f-413b-88b1-e7341c2d89f7 is pending import."';
    expect(parsed(text)).toMatchObject({
      kind: 'key-pending-import',
      errorCode: 'KMSInvalidStateException',
      keyArn: 'arn:aws:kms:us-west-2:123456789012:key/47e3edc1-945f-413b-88b1-e7341c2d89f7',
      region: 'us-west-2',
    });
  });

  it('an unavailable key in a disconnected custom key store', () => {
    // KMS-DG key-state, table detail [11] (with the space the page prints before the colon in [10]),
    // filled with the docs' example key ARN.
    const result = parsed(
      'KMSInvalidStateException : arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab is unavailable.',
    );
    expect(result).toMatchObject({ kind: 'key-unavailable', errorCode: 'KMSInvalidStateException' });
    expect(firstStepFor(result)).toBe('key-state');
  });

  it('a key that does not exist, from the CLI', () => {
    // boto/botocore#2107 (https://github.com/boto/botocore/issues/2107)
    const text =
      "04:21:37  botocore.errorfactory.NotFoundException: An error occurred (NotFoundException) when calling the Encrypt operation: Key 'arn:aws:kms:us-east-1:5*************2:key/e11f1804-f93a-4c67-be21-dd963d667090' does not exist";
    const result = parsed(text);
    expect(result).toEqual({
      kind: 'key-not-found',
      errorCode: 'NotFoundException',
      operation: 'Encrypt',
      action: 'kms:Encrypt',
      keyArn: 'arn:aws:kms:us-east-1:5*************2:key/e11f1804-f93a-4c67-be21-dd963d667090',
      region: 'us-east-1',
      missing: ['principal'],
    });
    expect(firstStepFor(result)).toBe('key-state');
  });

  it('a key that does not exist, reported by S3 with a namespaced code', () => {
    // sqlxpert/aws-rcp-s3-require-encryption-kms README.md, "Non-existent KMS key"
    const text = `An error occurred (KMS.NotFoundException) when calling the PutObject operation:
Key 'arn:aws:kms:us-east-1:112233445566:key/0123abcd-45ef-67ab-89cd-012345efabcd'
does not exist`;
    expect(parsed(text)).toEqual({
      kind: 'key-not-found',
      errorCode: 'NotFoundException',
      operation: 'PutObject',
      keyArn: 'arn:aws:kms:us-east-1:112233445566:key/0123abcd-45ef-67ab-89cd-012345efabcd',
      service: 'S3',
      accountId: '112233445566',
      region: 'us-east-1',
      missing: ['principal'],
    });
  });

  it('an alias that is not found', () => {
    // sigstore/cosign#1474 (https://github.com/sigstore/cosign/issues/1474)
    const text =
      'Error: creating key: getting public key: NotFoundException: Alias arn:aws:kms:us-east-1:<aws_account_id_hidden>:alias/cosign_key_test is not found.';
    expect(parsed(text)).toMatchObject({
      kind: 'key-not-found',
      errorCode: 'NotFoundException',
      keyArn: 'arn:aws:kms:us-east-1:<aws_account_id_hidden>:alias/cosign_key_test',
      region: 'us-east-1',
    });
  });

  it('an alias that is not found, quoted by another service with KMS’s Java clause and its own status line', () => {
    // cloudposse/docs#152 (https://github.com/cloudposse/docs/issues/152)
    const text = `Error: InvalidKeyId: Alias arn:aws:kms:us-west-2:271462348125:alias/parameter_store_key is not found. (Service: AWSKMS; Status Code: 400; Error Code: NotFoundException; Request ID: 40c97139-788f-11e8-932c-45e4f64721d4)
        status code: 400, request id: 5a6af5a5-6227-477c-bd80-ba63fe73c02d`;
    expect(parsed(text)).toMatchObject({
      kind: 'key-not-found',
      errorCode: 'NotFoundException',
      keyArn: 'arn:aws:kms:us-west-2:271462348125:alias/parameter_store_key',
      accountId: '271462348125',
      // The outermost call's request ID, not KMS's.
      requestId: '5a6af5a5-6227-477c-bd80-ba63fe73c02d',
    });
  });

  it('"Invalid arn" from a client in another Region than the key', () => {
    // kubernetes-retired/kube-aws#1041 (https://github.com/kubernetes-retired/kube-aws/issues/1041)
    const text = `Error: Failed to initialize cluster driver: failed to read/create encrypted assets: Error encrypting credentials/kubelet-tls-bootstrap-token: NotFoundException: Invalid arn
\tstatus code: 400, request id: 9d4a79de-xxxx-xxxx-xxxx-xxxxxxxxxxxx`;
    expect(parsed(text)).toMatchObject({ kind: 'key-not-found', errorCode: 'NotFoundException', missing: ['principal', 'operation', 'key'] });
  });

  it('an invalid ciphertext, from boto3 and from the 2014 AWS CLI', () => {
    // boto/boto3#47 (https://github.com/boto/boto3/issues/47)
    const result = parsed(
      'ClientError: An error occurred (InvalidCiphertextException) when calling the Decrypt operation: None',
    );
    expect(result).toEqual({
      kind: 'invalid-ciphertext',
      errorCode: 'InvalidCiphertextException',
      operation: 'Decrypt',
      action: 'kms:Decrypt',
      missing: ['principal', 'key'],
    });
    expect(firstStepFor(result)).toBeUndefined();
    // aws/aws-cli#1043 (https://github.com/aws/aws-cli/issues/1043)
    expect(
      parsed('A client error (InvalidCiphertextException) occurred when calling the Decrypt operation: None'),
    ).toMatchObject({ kind: 'invalid-ciphertext', errorCode: 'InvalidCiphertextException', operation: 'Decrypt' });
  });

  it('an incorrect key for the ciphertext', () => {
    // A blog post's `aws kms decrypt` transcript in a public GitHub repository (code index id 47294826665).
    const result = parsed(
      'An error occurred (IncorrectKeyException) when calling the Decrypt operation: The key ID in the request does not identify a CMK that can perform this operation.',
    );
    expect(result).toMatchObject({ kind: 'incorrect-key', errorCode: 'IncorrectKeyException', operation: 'Decrypt' });
    expect(firstStepFor(result)).toBeUndefined();
  });
});

describe('text that is not a KMS refusal', () => {
  it('returns undefined for empty, blank and unrelated text', () => {
    expect(parseKmsError('')).toBeUndefined();
    expect(parseKmsError('   \n\t ')).toBeUndefined();
    expect(parseKmsError('The quick brown fox jumps over the lazy dog. Status: 200 OK, request id: 1234abcd-5678')).toBeUndefined();
    expect(parseKmsError("Please check the function's KMS key settings.")).toBeUndefined();
  });

  it('returns undefined when S3 refuses without saying why', () => {
    // boto/boto3#2952 (https://github.com/boto/boto3/issues/2952)
    expect(
      parseKmsError(
        'botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied',
      ),
    ).toBeUndefined();
  });

  it('returns undefined for an EC2 refusal that only carries an encoded message', () => {
    // aws/karpenter-provider-aws#1536 (https://github.com/aws/karpenter-provider-aws/issues/1536)
    expect(
      parseKmsError(
        'ERROR controller.provisioning Could not launch node, launching instances, creating fleet UnauthorizedOperation: You are not authorized to perform this operation. Encoded authorization failure message',
      ),
    ).toBeUndefined();
  });

  it('does not throw on input that is not a string', () => {
    expect(parseKmsError(undefined as unknown as string)).toBeUndefined();
    expect(parseKmsError(42 as unknown as string)).toBeUndefined();
  });

  it('still reads an access denied for s3:GetObject, with the Java v2 clause', () => {
    // aws-ia/terraform-aws-bedrock#41 (https://github.com/aws-ia/terraform-aws-bedrock/issues/41)
    const text =
      'Encountered error: User: arn:aws:sts::XXXXXXX:assumed-role/AmazonBedrockExecutionRoleForKnowledgeBase-0zsq/DocumentLoaderTask-5XTW0UCZED is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::test-s3-docs/Amazon-2021-Annual-Report.pdf" because no identity-based policy allows the s3:GetObject action (Service: S3, Status Code: 403, Request ID: DMQ0JBGWMA82PDQ9, Extended Request ID: TF77oPeUQIKI0uhnT98WhA/WSvK+O';
    expect(parsed(text)).toEqual({
      kind: 'access-denied',
      principal: 'arn:aws:sts::XXXXXXX:assumed-role/AmazonBedrockExecutionRoleForKnowledgeBase-0zsq/DocumentLoaderTask-5XTW0UCZED',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::test-s3-docs/Amazon-2021-Annual-Report.pdf',
      policyType: 'identity-based',
      denial: 'implicit',
      service: 'S3',
      requestId: 'DMQ0JBGWMA82PDQ9',
      missing: ['operation', 'key'],
    });
  });

  it('still reads an access denied for s3:GetObject quoted with escaped quotes in a JSON error', () => {
    // aws-samples/serverless-patterns#2457 (https://github.com/aws-samples/serverless-patterns/pull/2457)
    const text = String.raw`errorType": "AmazonS3Exception",
  "errorMessage": "User: arn:aws:sts::683517028648:assumed-role/s3dotnet-ResizerFunctionRole-TZwnuYpDb5Rv/s3dotnet-ResizerFunction-12oroDMZmSGE is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::imageresizer-683517028648/seshub-photo.jpeg\" because no identity-based policy allows the s3:GetObject action"`;
    expect(parsed(text)).toMatchObject({
      kind: 'access-denied',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::imageresizer-683517028648/seshub-photo.jpeg',
      accountId: '683517028648',
      policyType: 'identity-based',
    });
  });
});
