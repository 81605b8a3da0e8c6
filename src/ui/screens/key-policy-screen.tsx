// Step 4: the key policy, with the statements that matter for this request highlighted.
import { Box, Text } from 'ink';
import { statementSummary } from '../../engine/policy-statements.js';
import { keyPolicyCommands } from '../aws-commands.js';
import { ObservationNote } from '../components/observation-note.js';
import { StepFrame, stepKeys, type Conclusion } from '../components/step-frame.js';
import { rateKeyPolicy, type RatedStatement, type Relevance } from '../statement-relevance.js';
import { useTheme, type Tone } from '../theme.js';
import { commandContextOf, principalName, type ScreenProps } from './screen-props.js';

const marks: Record<Relevance, { mark: string; tone?: Tone }> = {
  denies: { mark: '✘', tone: 'bad' },
  allows: { mark: '✔', tone: 'ok' },
  delegates: { mark: '↪', tone: 'ok' },
  other: { mark: '·' },
};

function conclusionFor(rated: readonly RatedStatement[], who: string, account: string | undefined, crossAccount: boolean): Conclusion {
  const deny = rated.find((r) => r.relevance === 'denies');
  if (deny) return { tone: 'bad', text: `A Deny statement refuses the call: ${deny.why}. A deny wins over every allow.` };
  if (rated.some((r) => r.relevance === 'allows')) return { tone: 'ok', text: `The key policy allows ${who} directly.` };
  if (rated.some((r) => r.relevance === 'delegates')) {
    return crossAccount
      ? { tone: 'ok', text: `The key policy trusts account ${account}: ${who}'s own IAM policies must now allow the key too.` }
      : { tone: 'ok', text: `The key policy delegates to IAM: ${who}'s IAM policies decide next.` };
  }
  return { tone: 'bad', text: `The key policy neither names ${who} nor delegates to IAM for account ${account ?? '?'}: no IAM policy can allow this until it does.` };
}

export function KeyPolicyScreen({ context, screen, details }: ScreenProps) {
  const theme = useTheme();
  const commands = commandContextOf(context);
  const policy = context.keyPolicy;
  const principal = context.identity?.principal;
  const key = context.identity?.key;
  const who = principalName(context);
  const account = principal?.status === 'known' ? principal.value.accountId : undefined;
  const rated =
    policy?.status === 'known'
      ? rateKeyPolicy(policy.value.document, {
          principalArns: principal?.status === 'known' ? [principal.value.arn, principal.value.entityArn] : context.request?.principalArn ? [context.request.principalArn] : [],
          principalName: who,
          ...(account !== undefined ? { principalAccount: account } : {}),
          actions: context.request?.operation.actions ?? [],
        })
      : [];
  const crossAccount = key?.status === 'known' && account !== undefined && key.value.accountId !== account;
  const conclusion: Conclusion = policy?.status === 'known' ? conclusionFor(rated, who, account, crossAccount) : { tone: 'warn', text: 'The key policy could not be read: the verdict will say what that leaves open.' };
  return (
    <StepFrame
      title="What does the key policy allow?"
      intro="Every KMS key has exactly one key policy, and nothing works without it: IAM policies count only when the key policy delegates to IAM (a statement for arn:aws:iam::ACCOUNT:root)."
      {...(screen.loading ? { loading: 'Reading the key policy (kms:GetKeyPolicy)…' } : {})}
      conclusion={conclusion}
      {...(commands ? { commands: keyPolicyCommands(commands) } : {})}
      keys={stepKeys}
    >
      {policy && policy.status !== 'known' ? <ObservationNote observation={policy} /> : null}
      {rated.map((r) => (
        <Box key={r.statement.index} flexDirection="column">
          <Text color={marks[r.relevance].tone ? theme.colourOf(marks[r.relevance].tone!) : undefined} dimColor={r.relevance === 'other'} bold={r.relevance !== 'other'}>
            {marks[r.relevance].mark} {r.why}
          </Text>
          {details ? <Text dimColor={r.relevance === 'other'}>{JSON.stringify(statementSummary(r.statement), null, 2)}</Text> : null}
        </Box>
      ))}
      {policy?.status === 'known' ? <Text dimColor>{rated.length} statement{rated.length === 1 ? '' : 's'}; the marked ones decide this request. d shows {rated.length === 1 ? 'it' : 'them all'} in full.</Text> : null}
    </StepFrame>
  );
}
