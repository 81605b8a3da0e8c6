// Step 5: the principal's IAM policies (the statements about this key and these actions), and what
// IAM's own policy simulator says.
import { Box, Text } from 'ink';
import type { PolicyDocumentFacts } from '../../engine/facts.js';
import { statementsOf, statementSummary } from '../../engine/policy-statements.js';
import { iamCommands } from '../aws-commands.js';
import { ObservationNote } from '../components/observation-note.js';
import { StepFrame, stepKeys, type Conclusion } from '../components/step-frame.js';
import { rateIdentityStatement } from '../statement-relevance.js';
import { useTheme } from '../theme.js';
import { commandContextOf, principalName, type ScreenProps } from './screen-props.js';

const policyLabel = (p: PolicyDocumentFacts) => `${p.kind === 'managed' ? 'managed' : 'inline'} policy ${p.name.split('/').pop()}${p.groupName ? ` (group ${p.groupName})` : ''}`;

export function IamScreen({ context, screen, details }: ScreenProps) {
  const theme = useTheme();
  const commands = commandContextOf(context);
  const read = context.identityPolicies;
  const key = context.identity?.key;
  const keyInput = context.request?.keyInput ?? '';
  const keyArn = key?.status === 'known' ? key.value.arn : keyInput.includes(':key/') ? keyInput : undefined;
  const actions = context.request?.operation.actions ?? [];
  const who = principalName(context);
  const known = read?.principalPolicies.status === 'known' ? read.principalPolicies.value : undefined;
  const policies = [...(known?.policies ?? []).map((policy) => ({ policy, boundary: false })), ...(known?.permissionsBoundary ? [{ policy: known.permissionsBoundary, boundary: true }] : [])];
  const rated = policies.map(({ policy, boundary }) => ({
    policy,
    boundary,
    statements: statementsOf(policy.document)
      .map((s) => rateIdentityStatement(s, actions, keyArn))
      .filter((r) => r.relevance !== 'other'),
  }));
  // A permissions boundary only caps what the policies allow: it never allows on its own.
  const allowed = new Set(rated.filter((p) => !p.boundary).flatMap((p) => p.statements.filter((r) => r.relevance === 'allows').flatMap((r) => r.actions)));
  const missing = actions.filter((a) => !allowed.has(a));
  const denied = rated.some((p) => p.statements.some((r) => r.relevance === 'denies'));
  const conclusion: Conclusion =
    read?.principalPolicies.status !== 'known'
      ? { tone: 'warn', text: `${who}'s policies could not be read; the simulator's answer is all there is.` }
      : denied
        ? { tone: 'bad', text: `A Deny statement in ${who}'s policies refuses part of the call.` }
        : missing.length === 0
          ? { tone: 'ok', text: `${who}'s IAM policies allow ${actions.join(', ')} on this key.` }
          : { tone: 'bad', text: `No IAM statement of ${who} allows ${missing.join(', ')} on this key.` };
  const simulation = read?.simulation;
  return (
    <StepFrame
      title={`What do ${who}'s IAM policies allow?`}
      intro="The principal's own policies (inline, managed, through groups), capped by a permissions boundary if it has one. kms-doctor evaluates them itself and asks IAM's policy simulator for a second opinion."
      {...(screen.loading ? { loading: "Reading the principal's policies and asking IAM's simulator…" } : {})}
      conclusion={conclusion}
      {...(commands ? { commands: iamCommands(commands, actions) } : {})}
      keys={stepKeys}
    >
      {read && read.principalPolicies.status !== 'known' ? <ObservationNote observation={read.principalPolicies} /> : null}
      {rated.map(({ policy, boundary, statements }) => (
        <Box key={policy.name} flexDirection="column">
          <Text bold>{boundary ? `permissions boundary ${policy.name.split('/').pop()}` : policyLabel(policy)}</Text>
          {statements.length === 0 ? <Text dimColor>  nothing about {actions.join(', ')} on this key</Text> : null}
          {statements.map((r) => (
            <Box key={r.statement.index} flexDirection="column">
              <Text color={theme.colourOf(r.relevance === 'allows' ? 'ok' : 'bad')}>  {r.relevance === 'allows' ? '✔' : '✘'} {r.why}</Text>
              {details ? <Text dimColor>{JSON.stringify(statementSummary(r.statement), null, 2)}</Text> : null}
            </Box>
          ))}
        </Box>
      ))}
      {simulation?.status === 'known' ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>IAM policy simulator (identity side only)</Text>
          {simulation.value.map((result) => (
            <Text key={result.action} color={theme.colourOf(result.decision === 'allowed' ? 'ok' : 'bad')}>
              {'  '}
              {result.action.padEnd(34)} {result.decision}
            </Text>
          ))}
        </Box>
      ) : simulation ? (
        <ObservationNote observation={simulation} />
      ) : null}
    </StepFrame>
  );
}
