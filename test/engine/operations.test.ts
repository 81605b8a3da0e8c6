// The operation table: least privilege per operation, names that find one operation each, and
// `kms-doctor operations` listing them.
import { describe, expect, it } from 'vitest';
import { operationsTable } from '../../src/commands/operations-command.js';
import { findOperation, operationRequirements } from '../../src/engine/operations.js';

describe('operations', () => {
  it('splits Lambda: configuring needs kms:Encrypt and kms:CreateGrant, viewing the environment only kms:Decrypt', () => {
    for (const name of ['lambda configure', 'lambda:UpdateFunctionConfiguration', 'lambda:CreateFunction']) {
      expect(findOperation(name), name).toMatchObject({ name: 'lambda:UpdateFunctionConfiguration', viaService: 'lambda', usesGrants: true });
      expect([...findOperation(name)!.actions].sort()).toEqual(['kms:CreateGrant', 'kms:Encrypt']);
    }
    for (const name of ['lambda view environment', 'lambda:GetFunctionConfiguration']) {
      expect(findOperation(name), name).toMatchObject({ name: 'lambda:GetFunctionConfiguration', actions: ['kms:Decrypt'], viaService: 'lambda', usesGrants: false });
    }
    // Invoking a function needs no KMS permission from the caller: the name must not pick a Lambda entry.
    expect(findOperation('lambda:Invoke')).toBeUndefined();
  });

  it('every name and alias finds exactly one operation', () => {
    const owners = new Map<string, Set<string>>();
    for (const op of operationRequirements) {
      for (const name of [op.name, ...op.aliases]) owners.set(name.toLowerCase(), (owners.get(name.toLowerCase()) ?? new Set()).add(op.name));
    }
    expect([...owners].filter(([, ops]) => ops.size > 1).map(([name]) => name)).toEqual([]);
    for (const op of operationRequirements) expect(op.actions).toContain(op.primaryAction);
  });

  it('lists both Lambda operations with their own actions', () => {
    const table = operationsTable();
    expect(table).toMatch(/lambda:UpdateFunctionConfiguration\s+kms:Encrypt, kms:CreateGrant\s+\(via lambda\.<region>\.amazonaws\.com, creates grants\)/);
    expect(table).toMatch(/lambda:GetFunctionConfiguration\s+kms:Decrypt\s+\(via lambda\.<region>\.amazonaws\.com\)\n/);
    expect(table).not.toContain('lambda:Invoke');
  });
});
