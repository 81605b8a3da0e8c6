// Step 5: the principal's IAM policies (the statements that decide this request), whether they count at
// all given the key policy, and what IAM's own policy simulator says. The marks and the conclusion are
// the engine's step finding; this only renders them.
import { Box, Text } from 'ink';
import { statementSummary } from '../../engine/policy-statements.js';
import { iamCommands } from '../aws-commands.js';
import { ObservationNote } from '../components/observation-note.js';
import { StepFrame, stepKeys } from '../components/step-frame.js';
import { useTheme } from '../theme.js';
import { effectMarks } from './key-policy-screen.js';
import { commandContextOf, conclusionOf, principalName, type ScreenProps } from './screen-props.js';

export function IamScreen({ context, screen, details }: ScreenProps) {
  const theme = useTheme();
  const commands = commandContextOf(context);
  const read = context.identityPolicies;
  const finding = context.findings?.identityPolicies;
  const actions = context.request?.operation.actions ?? [];
  const who = principalName(context);
  const simulation = read?.simulation;
  return (
    <StepFrame
      title={`What do ${who}'s IAM policies allow?`}
      intro="The principal's own policies (inline, managed, through groups), capped by a permissions boundary if it has one. kms-doctor evaluates them itself and asks IAM's policy simulator for a second opinion."
      {...(screen.loading ? { loading: "Reading the principal's policies and asking IAM's simulator…" } : {})}
      conclusion={conclusionOf(finding)}
      {...(commands ? { commands: iamCommands(commands, actions) } : {})}
      keys={stepKeys}
    >
      {read && read.principalPolicies.status !== 'known' ? <ObservationNote observation={read.principalPolicies} /> : null}
      {(finding?.policies ?? []).map((policy) => (
        <Box key={policy.name} flexDirection="column">
          <Text bold>{policy.label}</Text>
          {policy.statements.length === 0 ? <Text dimColor>  nothing that decides {actions.join(', ')} on this key</Text> : null}
          {policy.statements.map((s) => (
            <Box key={s.statement.index} flexDirection="column">
              <Text color={theme.colourOf(effectMarks[s.effect].tone ?? 'ok')}>
                {'  '}
                {effectMarks[s.effect].mark} {s.why}
              </Text>
              {details ? <Text dimColor>{JSON.stringify(statementSummary(s.statement), null, 2)}</Text> : null}
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
