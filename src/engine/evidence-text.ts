// Evidence values in plain words for people (the JSON output keeps the structured value): a policy
// statement reads as its Sid and what it does, a map as "key: value" pairs, a list comma-separated.

function statementText(statement: Record<string, unknown>): string {
  const list = (value: unknown) => (Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : JSON.stringify(value));
  const principal = statement.Principal === undefined ? '' : ` for ${typeof statement.Principal === 'string' ? statement.Principal : list(Object.values(statement.Principal as object).flat())}`;
  const sid = typeof statement.Sid === 'string' ? `"${statement.Sid}": ` : '';
  const condition = statement.Condition ? ' (with conditions)' : '';
  return `${sid}${String(statement.Effect ?? '?')} ${list(statement.Action ?? statement.NotAction)}${principal}${condition}`;
}

const isStatement = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && 'Effect' in value && ('Action' in value || 'NotAction' in value);

export function evidenceValueText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => (isStatement(item) ? statementText(item) : evidenceValueText(item))).join('; ');
  if (isStatement(value)) return statementText(value);
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${key}: ${evidenceValueText(item)}`)
      .join('; ');
  }
  return String(value);
}
