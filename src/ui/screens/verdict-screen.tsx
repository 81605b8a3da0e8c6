// Step 7: the verdict. The causes in plain words with their evidence, and the fixes proposed.
import { evidenceValueText } from '../../engine/evidence-text.js';
import { newlyAllowedLines } from '../../engine/blast-radius.js';
import { Box, Text } from 'ink';
import type { Evidence } from '../../engine/cause.js';
import { fixCommand } from '../aws-commands.js';
import { CommandList } from '../components/command-list.js';
import { StepFrame, type Conclusion } from '../components/step-frame.js';
import { shortenMiddle } from '../text-layout.js';
import { useTheme } from '../theme.js';
import { useTerminalWidth } from '../use-terminal-width.js';
import { callerAccountOf, principalName, type ScreenProps } from './screen-props.js';

/** Which layer said no, in words. */
const layerWords: Record<string, string> = {
  'key-identifier': 'the key identifier (no such key as named)',
  'key-state': "the key's state",
  'key-policy': 'the key policy',
  'identity-policy': "the principal's IAM policies",
  'permissions-boundary': 'the permissions boundary',
  'session-policy': 'the session policy',
  scp: 'a service control policy',
  rcp: 'a resource control policy',
  grant: 'the grants',
  request: 'the request itself (not a permission)',
};

const valueText = evidenceValueText;

function EvidenceLine({ evidence, details }: { readonly evidence: Evidence; readonly details: boolean }) {
  const width = useTerminalWidth();
  const value = valueText(evidence.value);
  const line = `${evidence.what}${value ? `: ${value}` : ''}`;
  return <Text dimColor>{`    ${details ? line : shortenMiddle(line, width - 6)}`}</Text>;
}

export function VerdictScreen({ context, screen, details }: ScreenProps) {
  const theme = useTheme();
  const result = context.result;
  const diagnosis = result?.diagnosis;
  const who = principalName(context);
  const callerAccount = callerAccountOf(context);
  const conclusion: Conclusion | undefined = !diagnosis
    ? undefined
    : diagnosis.verdict === 'allowed'
      ? { tone: 'ok', text: `Allowed: ${who} may ${diagnosis.requiredActions.join(', ')} with this key now. Nothing to fix.` }
      : diagnosis.verdict === 'denied'
        ? { tone: 'bad', text: `Denied by ${layerWords[diagnosis.causes[0]?.layer ?? ''] ?? 'the causes above'}: apply the fix for ${diagnosis.causes[0]?.code ?? 'them'} first.` }
        : { tone: 'warn', text: 'Could not decide from what could be read: see what is left to check.' };
  const denied = diagnosis?.verdict === 'denied';
  // The machine came straight here from an unusable key: the other steps were read but not shown.
  const straight = context.findings?.keyState?.usable === false && context.checkingTheRest !== true;
  return (
    <StepFrame
      title="The verdict"
      intro="Every layer together, evaluated the way KMS does: the key's state, the key policy, IAM policies and boundaries, grants. The first cause is the one to fix first."
      {...(screen.loading ? { loading: 'Evaluating every layer together…' } : {})}
      {...(conclusion ? { conclusion } : {})}
      keys={(denied ? 'Enter plan the fix · ' : 'r run it again · ') + (straight ? 'c the other steps · ' : '') + (denied ? 'Esc/← back · d details · ? help · q quit' : 'Esc/← back · ? help · q quit')}
    >
      {diagnosis?.actionResults.map((r) => (
        <Text key={r.action} color={theme.colourOf(r.decision === 'allowed' ? 'ok' : r.decision === 'denied' ? 'bad' : 'warn')}>
          {r.action.padEnd(36)} {r.decision}
          {r.allowedBy ? ` (by ${r.allowedBy})` : ''}
        </Text>
      ))}
      {diagnosis?.causes.map((cause) => (
        <Box key={`${cause.code}-${cause.actions.join()}`} flexDirection="column" marginTop={1}>
          <Text bold color={theme.colourOf('bad')}>
            ✘ {cause.code} ({cause.layer})
          </Text>
          <Text>{`  ${cause.summary}`}</Text>
          {cause.evidence.map((evidence, index) => (
            <EvidenceLine key={index} evidence={evidence} details={details} />
          ))}
        </Box>
      ))}
      {diagnosis?.unverified.map((u) => (
        <Text key={u.what} color={theme.colourOf('warn')}>
          ? {u.what}: {u.why} {u.howToVerify}
        </Text>
      ))}
      {result && result.fixes.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>The fix{result.fixes.length > 1 ? 'es' : ''}:</Text>
          {result.fixes.map((fix) => (
            <Box key={fix.title} flexDirection="column">
              <Text>
                {'  • '}
                {fix.title}
                {fix.blockedBy ? ` (blocked: ${fix.blockedBy})` : ''}
              </Text>
              {/* The statements a human adds where kms-doctor cannot write (a session or VPC endpoint policy…). */}
              {fix.snippet !== undefined ? <Text dimColor>{fix.snippet.replace(/^/gm, '    ')}</Text> : null}
              {newlyAllowedLines(fix.newlyAllows ?? []).map((line) => (
                <Text key={line} color={theme.colourOf('warn')}>
                  {'    also newly allows '}
                  {line}
                </Text>
              ))}
              {(fix.alternatives ?? []).map((alternative) => (
                <Text key={alternative.title} dimColor>
                  {'    otherwise: '}
                  {alternative.title}
                  {(alternative.newlyAllows ?? []).length > 0 ? ` (also newly allows ${newlyAllowedLines(alternative.newlyAllows ?? []).join('; ')})` : ''}
                </Text>
              ))}
            </Box>
          ))}
          <CommandList title="By hand, that would be:" commands={result.fixes.flatMap((fix) => fix.commands.map((c) => fixCommand(c, context.environment, { arn: fix.target.arn, callerAccount })))} />
        </Box>
      ) : null}
    </StepFrame>
  );
}
