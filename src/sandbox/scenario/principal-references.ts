// Principals named by policies and grants. IAM rejects a policy naming a user or role that does not
// exist, so a scenario may only name principals of its own accounts that it declares; principals of
// accounts outside the scenario are taken on trust.
import type { JsonObject } from './json-reader.js';
import type { ScenarioDraft } from './scenario-draft.js';

const principalArnFormat = /^arn:aws:iam::(\d{12}):(user|role)(\/.*)$/;
const grantPrincipalArnFormat = /^arn:aws:(?:iam::\d{12}:(?:root|user\/.+|role\/.+)|sts::\d{12}:assumed-role\/.+)$/;
const servicePrincipalFormat = /^[a-z0-9.-]+\.amazonaws\.com$/;

/** A key, trust or resource control policy: read like any policy, then its principals are checked once its grammar is known to be valid. */
export function readResourcePolicy(draft: ScenarioDraft, value: unknown, path: string): string {
  return draft.policies.read(value, path, 'resource', (document) => checkPrincipals(draft, document, path));
}

/** A grantee or retiring principal: an IAM or STS ARN (that exists, when in a scenario account) or a service principal. */
export function readGrantPrincipal(draft: ScenarioDraft, value: unknown, path: string): string {
  const principal = draft.reader.nonEmptyString(value, path);
  if (!grantPrincipalArnFormat.test(principal) && !servicePrincipalFormat.test(principal)) {
    draft.reader.fail(path, `${JSON.stringify(principal)} is not a principal ARN (arn:aws:iam::ACCOUNT:role/NAME, …) or a service principal (SERVICE.amazonaws.com)`);
  }
  checkPrincipalExists(draft, principal, path);
  return principal;
}

/** Key, trust and resource control policies: every statement names a principal, and named users and roles of the scenario's accounts exist. */
function checkPrincipals(draft: ScenarioDraft, document: JsonObject, path: string): void {
  for (const { statement, path: statementPath } of statementsOf(document, path)) {
    const field = statement.Principal !== undefined ? 'Principal' : statement.NotPrincipal !== undefined ? 'NotPrincipal' : undefined;
    if (!field) draft.reader.fail(statementPath, 'has no Principal: every statement of a key policy or trust policy must name who it applies to');
    const principal = statement[field];
    if (typeof principal !== 'object' || principal === null) continue;
    const aws = (principal as JsonObject).AWS;
    const values = Array.isArray(aws) ? aws : [aws];
    values.forEach((value, index) => {
      const valuePath = Array.isArray(aws) ? `${statementPath}.${field}.AWS[${index}]` : `${statementPath}.${field}.AWS`;
      if (typeof value === 'string') checkPrincipalExists(draft, value, valuePath);
    });
  }
}

function checkPrincipalExists(draft: ScenarioDraft, arn: string, path: string): void {
  const match = principalArnFormat.exec(arn);
  if (match && draft.accounts[match[1]!] && !draft.principalArns.has(arn)) {
    draft.reader.fail(path, `${arn} is not a ${match[2]} declared in this scenario (IAM rejects policies naming principals that do not exist)`);
  }
}

/** Statements of a policy document with their paths (Statement may be one object or a list). */
function statementsOf(document: JsonObject, path: string): { statement: JsonObject; path: string }[] {
  const statements = document.Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  return list.flatMap((statement, index) =>
    typeof statement === 'object' && statement !== null
      ? [{ statement: statement as JsonObject, path: Array.isArray(statements) ? `${path}.Statement[${index}]` : `${path}.Statement` }]
      : [],
  );
}
