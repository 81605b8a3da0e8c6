// Fixes as the proposer makes them (src/engine/fix.ts), built directly for apply tests: the apply step
// must work from any Fix, whatever situation the diagnosis found.
import type { Fix } from '../../src/engine/fix.js';

export const pretty = (value: unknown) => JSON.stringify(value, null, 2);
export const withStatements = (text: string, ...added: object[]) => {
  const document = JSON.parse(text) as { Statement: object[] };
  return pretty({ ...document, Statement: [...document.Statement, ...added] });
};

export function keyPolicyFix(keyArn: string, before: string, after: string): Fix {
  return {
    cause: 'key-policy-no-iam-delegation',
    title: `Allow the role in the policy of key ${keyArn.split('/').pop()}`,
    explanation: 'Adds a statement to the key policy.',
    target: { type: 'key-policy', arn: keyArn, policyName: 'default' },
    before,
    after,
    diff: '(diff)',
    commands: [`aws kms put-key-policy --key-id ${keyArn} --policy-name default --policy file://key-policy.json --region us-east-1`],
    files: [{ path: 'key-policy.json', content: after }],
    steps: [{ kind: 'put-key-policy', keyArn, policy: after }],
  };
}

export function rolePolicyFix(roleArn: string, policyName: string, before: string, after: string): Fix {
  const roleName = roleArn.split('/').pop()!;
  return {
    cause: 'identity-policy-missing-actions',
    title: `Allow role ${roleName} to use the key (inline policy ${policyName})`,
    explanation: 'Creates or extends an inline policy.',
    target: { type: 'identity-policy', arn: roleArn, policyName, principalKind: 'role' },
    before,
    after,
    commands: [`aws iam put-role-policy --role-name ${roleName} --policy-name ${policyName} --policy-document file://role-policy.json`],
    files: [{ path: 'role-policy.json', content: after }],
    steps: [{ kind: 'put-role-policy', roleName, policyName, document: after }],
  };
}

export function managedPolicyFix(policyArn: string, before: string, after: string): Fix {
  return {
    cause: 'identity-policy-missing-actions',
    title: `Allow the key in policy ${policyArn.split('/').pop()}`,
    explanation: 'Adds a statement to a customer managed policy.',
    target: { type: 'identity-policy', arn: policyArn, policyName: policyArn.split('/').pop()!, principalKind: 'managed-policy' },
    before,
    after,
    commands: [`aws iam create-policy-version --policy-arn ${policyArn} --policy-document file://managed.json --set-as-default`],
    files: [{ path: 'managed.json', content: after }],
    steps: [{ kind: 'create-policy-version', policyArn, document: after }],
  };
}

export function enableKeyFix(keyArn: string): Fix {
  return {
    cause: 'key-disabled',
    title: `Enable key ${keyArn}`,
    explanation: 'The key is disabled.',
    target: { type: 'key-state', arn: keyArn },
    commands: [`aws kms enable-key --key-id ${keyArn}`],
    files: [],
    steps: [{ kind: 'enable-key', keyArn }],
  };
}

export function cancelDeletionFix(keyArn: string): Fix {
  return {
    cause: 'key-pending-deletion',
    title: `Cancel the deletion of key ${keyArn}, then enable it`,
    explanation: 'The key is pending deletion.',
    target: { type: 'key-state', arn: keyArn },
    commands: [`aws kms cancel-key-deletion --key-id ${keyArn}`, `aws kms enable-key --key-id ${keyArn}`],
    files: [],
    steps: [{ kind: 'cancel-key-deletion', keyArn }, { kind: 'enable-key', keyArn }],
  };
}

export function grantFix(keyArn: string, granteePrincipal: string): Fix {
  return {
    cause: 'grant-creation-denied',
    title: `Create a grant on key ${keyArn} for ${granteePrincipal}`,
    explanation: 'A grant lets the role decrypt.',
    target: { type: 'grant', arn: keyArn },
    commands: [],
    files: [],
    steps: [{ kind: 'create-grant', keyArn, granteePrincipal, operations: ['Decrypt'], name: 'kms-doctor-test' }],
  };
}
