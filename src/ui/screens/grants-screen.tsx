// Step 6: the grants on the key, as a table. Grants are how AWS services use a key for someone.
import { Box, Text } from 'ink';
import { grantsCommands } from '../aws-commands.js';
import { ObservationNote } from '../components/observation-note.js';
import { StepFrame, stepKeys, type Conclusion } from '../components/step-frame.js';
import { lastPart, shortenMiddle } from '../text-layout.js';
import { useTerminalWidth } from '../use-terminal-width.js';
import { commandContextOf, principalName, type ScreenProps } from './screen-props.js';

export function GrantsScreen({ context, screen, details }: ScreenProps) {
  const width = useTerminalWidth();
  const commands = commandContextOf(context);
  const grants = context.grants;
  const who = principalName(context);
  const principal = context.identity?.principal;
  const arns = principal?.status === 'known' ? [principal.value.arn, principal.value.entityArn] : [];
  const operation = context.request?.operation;
  const list = grants?.status === 'known' ? grants.value : [];
  const forPrincipal = list.filter((g) => arns.includes(g.granteePrincipal));
  const conclusion: Conclusion =
    grants?.status !== 'known'
      ? { tone: 'warn', text: 'The grants could not be listed.' }
      : operation?.usesGrants
        ? { tone: 'warn', text: `${operation.name} makes the service create a grant for ${who}: ${who} needs kms:CreateGrant (with kms:GrantIsForAWSResource) to let it.` }
        : forPrincipal.length > 0
          ? { tone: 'ok', text: `${forPrincipal.length} grant${forPrincipal.length === 1 ? ' gives' : 's give'} ${who} operations on this key.` }
          : { tone: 'ok', text: `No grant concerns ${who}: grants neither help nor hinder here.` };
  const idWidth = 12;
  const opsWidth = Math.max(20, width - idWidth - 28);
  return (
    <StepFrame
      title="Which grants does the key have?"
      intro="A grant gives a principal some operations on a key, next to the key policy. AWS services (EBS, RDS, Lambda…) create grants to use a key on your behalf, which is why they need kms:CreateGrant."
      {...(screen.loading ? { loading: `Listing the grants that name ${who} (kms:ListGrants)…` } : {})}
      conclusion={conclusion}
      {...(commands ? { commands: grantsCommands(commands) } : {})}
      keys={stepKeys}
    >
      {grants && grants.status !== 'known' ? <ObservationNote observation={grants} /> : null}
      {grants?.status === 'known' && list.length === 0 ? <Text dimColor>No grant on the key names {who} (only those are read: no other grant can allow its request).</Text> : null}
      {list.length > 0 ? (
        <Box flexDirection="column">
          <Text bold>
            {'Grant'.padEnd(idWidth)} {'Grantee'.padEnd(24)} Operations
          </Text>
          {list.map((grant) => (
            <Text key={grant.grantId}>
              {shortenMiddle(grant.grantId, idWidth - 1).padEnd(idWidth)} {shortenMiddle(details ? grant.granteePrincipal : lastPart(grant.granteePrincipal), 23).padEnd(24)}{' '}
              {shortenMiddle(grant.operations.join(','), opsWidth)}
              {grant.constraints ? ' (constrained)' : ''}
            </Text>
          ))}
        </Box>
      ) : null}
    </StepFrame>
  );
}
