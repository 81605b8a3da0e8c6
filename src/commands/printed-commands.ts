// The aws CLI commands `check`, `fix` and `rollback` print, made runnable as printed: each gets the
// profile of the account it acts in (--key-profile's for the key's account), a Region and the endpoint
// this run used (src/engine/aws-cli.ts builds them). Applied to what is printed and to the JSON, so a
// command copied from either runs in the account it must.
import type { ApplyEvent, ApplyReport } from '../apply/apply-report.js';
import type { Plan } from '../apply/plan-types.js';
import type { AwsSession } from '../aws/aws-session.js';
import { runnableCommand, type CommandConnection } from '../engine/aws-cli.js';
import type { DiagnosisFacts } from '../engine/facts.js';
import { accountNamedBy, accountOfArn, accountRelation } from '../engine/identifiers.js';
import type { Fix } from '../engine/fix.js';

/** IAM and STS are global, but the CLI still needs a Region when no default profile gives one. */
const globalRegion = 'us-east-1';

/** The connection a run used, as printed commands must repeat it. */
export function commandConnectionOf(session: Pick<AwsSession, 'profile' | 'region' | 'configuredEndpoints' | 'keyAccount'>, facts?: DiagnosisFacts): CommandConnection {
  const callerAccount = facts?.caller.status === 'known' ? facts.caller.value.accountId : undefined;
  // The key may be unreadable to the caller (cross-account): its ARN still names its account.
  const keyAccount = facts?.key.status === 'known' ? facts.key.value.accountId : (facts ? accountNamedBy(facts.request.key) : undefined);
  const keyProfile = session.keyAccount?.profile;
  return {
    ...(session.profile !== undefined ? { profile: session.profile } : {}),
    ...(keyProfile !== undefined ? { keyProfile } : {}),
    // Unless the key is known to be the caller's own, --key-profile acts on it.
    ...(keyProfile !== undefined && keyAccount !== undefined && accountRelation(callerAccount, keyAccount) !== 'same' ? { keyAccount } : {}),
    region: session.region ?? globalRegion,
    endpoints: session.configuredEndpoints,
  };
}

export function fixesWithConnection(fixes: readonly Fix[], connection: CommandConnection): Fix[] {
  // A fix's alternatives are printed (and applied with --alternative) too: their commands get the same connection.
  return fixes.map((fix) => ({
    ...fix,
    commands: fix.commands.map((command) => runnableCommand(command, connection, accountOfArn(fix.target.arn))),
    ...(fix.alternatives ? { alternatives: fixesWithConnection(fix.alternatives, connection) } : {}),
  }));
}

export function planWithConnection(plan: Plan, connection: CommandConnection): Plan {
  return {
    ...plan,
    steps: plan.steps.map((step) => ({
      ...step,
      command: runnableCommand(step.command, connection, step.target.accountId),
      rollback: { ...step.rollback, command: runnableCommand(step.rollback.command, connection, step.target.accountId) },
    })),
  };
}

/** The account of the target a step acted on (its backup's target). */
const accountOfStep = (report: ApplyReport, stepId: number): string | undefined => accountOfArn(report.steps.find((step) => step.id === stepId)?.restoreTarget);

export function reportWithConnection(report: ApplyReport, connection: CommandConnection): ApplyReport {
  return {
    ...report,
    steps: report.steps.map((step) => (step.restoreCommand !== undefined ? { ...step, restoreCommand: runnableCommand(step.restoreCommand, connection, accountOfArn(step.restoreTarget)) } : step)),
    rolledBack: report.rolledBack.map((undone) => ({ ...undone, command: runnableCommand(undone.command, connection, accountOfStep(report, undone.stepId)) })),
    // A manual rollback command is a step's own restore command: that step's target says the account.
    manualRollback: report.manualRollback.map((command) => runnableCommand(command, connection, accountOfArn(report.steps.find((step) => step.restoreCommand === command)?.restoreTarget))),
  };
}

export function eventWithConnection(event: ApplyEvent, connection: CommandConnection): ApplyEvent {
  switch (event.type) {
    case 'backed-up':
      return { ...event, restoreCommand: runnableCommand(event.restoreCommand, connection, accountOfArn(event.restoreTarget)) };
    case 'rollback-failed':
      return { ...event, command: runnableCommand(event.command, connection, accountOfArn(event.restoreTarget)) };
    default:
      return event;
  }
}
