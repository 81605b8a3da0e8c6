// EnableKey, DisableKey, ScheduleKeyDeletion and CancelKeyDeletion, with the key-state rules of the
// KMS developer guide's "Key states" table: a key pending deletion can only have its deletion
// cancelled, which leaves it Disabled (or PendingImport when it never had imported material).
import { AwsError } from '../errors.js';
import type { KeyState, KeyStateName } from '../state.js';
import { InputReader, keyIdRules } from './input.js';
import { epochSeconds, mutateKey, notPendingDeletion, requireState, useKey } from './key-access.js';
import type { KmsCall, KmsOperation } from './kms-call.js';

/** EnableKey and DisableKey refuse keys pending deletion or import (KMSInvalidStateException). */
const togglableStates: readonly KeyStateName[] = ['Enabled', 'Disabled', 'Unavailable'];

function readKeyId(call: KmsCall): string {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  input.check();
  return keyId!;
}

function setEnabled(target: 'Enabled' | 'Disabled'): KmsOperation {
  const action = target === 'Enabled' ? 'kms:EnableKey' : 'kms:DisableKey';
  return async (call) => {
    const { key } = await useKey(call, { keyId: readKeyId(call), action, crossAccount: 'none', usableIn: togglableStates });
    await mutateKey(call, key.arn, (draft) => {
      requireState(draft, togglableStates);
      // An unavailable key (custom key store) accepts the call; its state changes once it is available.
      if (draft.keyState !== 'Unavailable') draft.keyState = target;
    });
    return {};
  };
}

const scheduleKeyDeletion: KmsOperation = async (call: KmsCall) => {
  const input = new InputReader(call.input);
  const keyId = input.string('KeyId', { required: true, ...keyIdRules });
  // The waiting period must be 7–30 days (KMS API reference, ScheduleKeyDeletion).
  const days = input.integer('PendingWindowInDays', { min: 7, max: 30 }) ?? 30;
  input.check();
  const { key } = await useKey(call, {
    keyId: keyId!,
    action: 'kms:ScheduleKeyDeletion',
    crossAccount: 'none',
    usableIn: notPendingDeletion,
    context: { 'kms:ScheduleKeyDeletionPendingWindowInDays': String(days) },
  });
  const deletionDate = new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await mutateKey(call, key.arn, (draft) => {
    requireState(draft, notPendingDeletion);
    draft.keyState = 'PendingDeletion';
    draft.deletionDate = deletionDate;
    draft.pendingWindowInDays = days;
  });
  return { KeyId: key.arn, DeletionDate: epochSeconds(deletionDate), KeyState: 'PendingDeletion', PendingWindowInDays: days };
};

function notPendingDeletionError(key: KeyState): AwsError {
  return new AwsError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
}

const cancelKeyDeletion: KmsOperation = async (call: KmsCall) => {
  const { key } = await useKey(call, { keyId: readKeyId(call), action: 'kms:CancelKeyDeletion', crossAccount: 'none', usableIn: 'any' });
  if (key.keyState !== 'PendingDeletion') throw notPendingDeletionError(key);
  await mutateKey(call, key.arn, (draft) => {
    if (draft.keyState !== 'PendingDeletion') throw notPendingDeletionError(draft);
    draft.keyState = draft.origin === 'EXTERNAL' && draft.material === undefined ? 'PendingImport' : 'Disabled';
    delete draft.deletionDate;
    delete draft.pendingWindowInDays;
  });
  return { KeyId: key.arn };
};

export const keyLifecycleOperations: Readonly<Record<string, KmsOperation>> = {
  EnableKey: setEnabled('Enabled'),
  DisableKey: setEnabled('Disabled'),
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
};
