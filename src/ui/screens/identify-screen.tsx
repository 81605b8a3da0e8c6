// Steps 1 and 2: who is asking and for which key; then whether the call crosses an account boundary.
// The conclusions are the engine's step findings; these screens only render them.
import { Box, Text } from 'ink';
import { accountCommands, identifyCommands } from '../aws-commands.js';
import { FactsTable, type FactRow } from '../components/facts-table.js';
import { ObservationNote } from '../components/observation-note.js';
import { StepFrame, stepKeys } from '../components/step-frame.js';
import { commandContextOf, conclusionOf, type ScreenProps } from './screen-props.js';

export function IdentifyScreen({ context, screen, details }: ScreenProps) {
  const commands = commandContextOf(context);
  const identity = context.identity;
  const key = identity?.key;
  const principal = identity?.principal;
  const caller = identity?.caller;
  const rows: FactRow[] = [
    { label: 'Operation', value: `${context.request?.operation.name ?? ''} (needs ${context.request?.operation.actions.join(', ') ?? ''})` },
    ...(caller?.status === 'known' ? [{ label: 'Your credentials', value: caller.value.arn }] : []),
    ...(principal?.status === 'known' ? [{ label: 'Principal', value: `${principal.value.entityArn} (${principal.value.kind})` }] : []),
    { label: 'Key as given', value: context.request?.key.text ?? '' },
    ...(key?.status === 'known'
      ? [
          { label: 'Key ARN', value: key.value.arn },
          { label: 'Key account', value: key.value.accountId },
          { label: 'Region', value: key.value.region },
        ]
      : []),
  ];
  return (
    <StepFrame
      title="Who is asking, and for which key?"
      intro="Every KMS decision is about one principal (a user or a role) calling one key. kms-doctor asks STS whose credentials these are, and KMS which key the name points to."
      {...(screen.loading ? { loading: 'Asking STS and KMS…' } : {})}
      conclusion={conclusionOf(context.findings?.identify)}
      {...(commands ? { commands: identifyCommands(commands) } : {})}
      keys={stepKeys}
    >
      <FactsTable rows={rows} details={details} />
      {key && key.status !== 'known' ? <ObservationNote observation={key} /> : null}
      {principal && principal.status !== 'known' ? <ObservationNote observation={principal} /> : null}
      {context.environment?.sandbox ? <Text dimColor>The commands run against the sandbox with AWS_CONFIG_FILE={context.environment.sandbox.configFile} AWS_SHARED_CREDENTIALS_FILE={context.environment.sandbox.credentialsFile}</Text> : null}
    </StepFrame>
  );
}

export function AccountScreen({ context, details }: ScreenProps) {
  const commands = commandContextOf(context);
  const finding = context.findings?.accountBoundary;
  return (
    <StepFrame
      title="Same account, or across accounts?"
      intro="With a key in its own account, the key policy decides: it allows the principal itself, or delegates to IAM, and then the principal's IAM policies must allow too. Across accounts both accounts must say yes: the key's account in the key policy, the principal's own account in IAM."
      conclusion={conclusionOf(finding)}
      {...(commands ? { commands: accountCommands(commands) } : {})}
      keys={stepKeys}
    >
      <FactsTable
        details={details}
        rows={[
          { label: "Principal's account", value: finding?.principalAccount ?? 'unknown' },
          { label: "Key's account", value: finding?.keyAccount ?? 'unknown' },
        ]}
      />
      {finding?.crossAccount ? (
        <Box marginTop={1}>
          <Text dimColor>Across accounts, use the key ARN: key IDs and aliases are looked up in the caller's own account.</Text>
        </Box>
      ) : null}
    </StepFrame>
  );
}
