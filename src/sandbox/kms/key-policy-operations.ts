// GetKeyPolicy, PutKeyPolicy and ListKeyPolicies. A key has exactly one policy, named "default",
// stored and returned byte for byte as the caller sent it. Key policies can only be read or changed
// from the key's own account, in any key state.
import { AwsError } from '../errors.js';
import { InputReader, keyIdRules, markerRules } from './input.js';
import { mutateKey, useKey } from './key-access.js';
import { checkNewKeyPolicy, policyRules } from './key-policy-checks.js';
import type { KmsCall, KmsOperation } from './kms-call.js';

const policyNameRules = { min: 1, max: 128, pattern: /^\w+$/, patternText: '[\\w]+' } as const;

function requireDefaultName(name: string | undefined): void {
  if (name !== undefined && name !== 'default') throw new AwsError('NotFoundException', `Policy ${name} not found`);
}

const getKeyPolicy: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  const policyName = input.string('PolicyName', policyNameRules);
  input.check();
  const { key } = await useKey(call, { keyId: keyId!, action: 'kms:GetKeyPolicy', crossAccount: 'none', usableIn: 'any' });
  requireDefaultName(policyName);
  return { Policy: key.policy, PolicyName: 'default' };
};

const putKeyPolicy: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  const policyName = input.string('PolicyName', policyNameRules);
  const policy = input.string('Policy', { required: true, ...policyRules });
  const bypass = input.boolean('BypassPolicyLockoutSafetyCheck') ?? false;
  input.check();
  const { key } = await useKey(call, {
    keyId: keyId!,
    action: 'kms:PutKeyPolicy',
    crossAccount: 'none',
    usableIn: 'any',
    context: { 'kms:BypassPolicyLockoutSafetyCheck': String(bypass) },
  });
  requireDefaultName(policyName);
  await checkNewKeyPolicy(call, policy!, key, bypass);
  await mutateKey(call, key.arn, (draft) => {
    draft.policy = policy!;
  });
  return {};
};

const listKeyPolicies: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  // A key has one policy, so Limit and Marker are validated but cannot change the answer.
  input.integer('Limit', { min: 1, max: 1000 });
  input.string('Marker', markerRules);
  input.check();
  await useKey(call, { keyId: keyId!, action: 'kms:ListKeyPolicies', crossAccount: 'none', usableIn: 'any' });
  return { PolicyNames: ['default'], Truncated: false };
};

export const keyPolicyOperations: Readonly<Record<string, KmsOperation>> = {
  GetKeyPolicy: getKeyPolicy,
  PutKeyPolicy: putKeyPolicy,
  ListKeyPolicies: listKeyPolicies,
};
