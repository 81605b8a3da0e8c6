// Step 6: the grants on the key, as a table, each with what it allows for this request. Grants are how
// AWS services use a key for someone. The conclusion and each grant's effect are the engine's step finding.
import { Box, Text } from 'ink';
import { grantsCommands } from '../aws-commands.js';
import { ObservationNote } from '../components/observation-note.js';
import { StepFrame, stepKeys } from '../components/step-frame.js';
import { lastPart, shortenMiddle } from '../text-layout.js';
import { useTerminalWidth } from '../use-terminal-width.js';
import { commandContextOf, conclusionOf, principalName, type ScreenProps } from './screen-props.js';

export function GrantsScreen({ context, screen, details }: ScreenProps) {
  const width = useTerminalWidth();
  const commands = commandContextOf(context);
  const grants = context.grants;
  const finding = context.findings?.grants;
  const who = principalName(context);
  const list = finding?.grants ?? [];
  const idWidth = 12;
  const opsWidth = Math.max(20, width - idWidth - 28);
  return (
    <StepFrame
      title="Which grants does the key have?"
      intro="A grant gives a principal some operations on a key, next to the key policy. AWS services (EBS, RDS, Lambda…) create grants to use a key on your behalf, which is why they need kms:CreateGrant."
      {...(screen.loading ? { loading: `Listing the grants that name ${who} (kms:ListGrants)…` } : {})}
      conclusion={conclusionOf(finding)}
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
          {list.map(({ grant, allows, why }) => (
            <Box key={grant.grantId} flexDirection="column">
              <Text bold={allows.length > 0}>
                {shortenMiddle(grant.grantId, idWidth - 1).padEnd(idWidth)} {shortenMiddle(details ? grant.granteePrincipal : lastPart(grant.granteePrincipal), 23).padEnd(24)}{' '}
                {shortenMiddle(grant.operations.join(','), opsWidth)}
                {grant.constraints ? ' (constrained)' : ''}
              </Text>
              <Text dimColor={allows.length === 0}>{'  '}{allows.length > 0 ? '✔' : '·'} {why}</Text>
            </Box>
          ))}
        </Box>
      ) : null}
    </StepFrame>
  );
}
