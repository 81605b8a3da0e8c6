// `kms-doctor operations`: the operations kms-doctor understands and the KMS permissions each needs.
import { operationRequirements } from '../engine/operations.js';

export function operationsTable(): string {
  const lines: string[] = [];
  let group = '';
  for (const op of operationRequirements) {
    if (op.group !== group) {
      group = op.group;
      lines.push('', `${group}:`);
    }
    const via = op.viaService ? `  (via ${op.viaService}.<region>.amazonaws.com${op.usesGrants ? ', creates grants' : ''})` : '';
    lines.push(`  ${op.name.padEnd(38)} ${op.actions.join(', ')}${via}`);
  }
  return ['Operations (--operation NAME; KMS API names also work as kms:Name):', ...lines].join('\n');
}
