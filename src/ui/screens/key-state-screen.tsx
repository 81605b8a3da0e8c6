// Step 3: the key's state. A key that is disabled or pending deletion refuses everyone. The conclusion is
// the engine's step finding (the same key-state check as the verdict).
import { keyStateCommands } from '../aws-commands.js';
import { FactsTable } from '../components/facts-table.js';
import { ObservationNote } from '../components/observation-note.js';
import { StepFrame, stepKeys } from '../components/step-frame.js';
import { commandContextOf, conclusionOf, type ScreenProps } from './screen-props.js';

export function KeyStateScreen({ context, details }: ScreenProps) {
  const commands = commandContextOf(context);
  const key = context.identity?.key;
  return (
    <StepFrame
      title="Is the key usable?"
      intro="A key that is disabled, scheduled for deletion or missing its key material refuses every cryptographic call, whoever asks and whatever the policies say. So the state comes before any policy."
      conclusion={conclusionOf(context.findings?.keyState)}
      {...(commands ? { commands: keyStateCommands(commands) } : {})}
      keys={stepKeys}
    >
      {key?.status === 'known' ? (
        <FactsTable
          details={details}
          rows={[
            { label: 'State', value: key.value.state, tone: context.findings?.keyState?.usable === false ? 'bad' : 'ok' },
            ...(key.value.deletionDate ? [{ label: 'Deletion date', value: key.value.deletionDate, tone: 'bad' as const }] : []),
            { label: 'Managed by', value: key.value.manager === 'AWS' ? 'AWS (an AWS managed key)' : 'the customer' },
            { label: 'Spec / usage', value: `${key.value.spec} / ${key.value.usage}` },
            { label: 'Origin', value: key.value.origin },
            { label: 'Multi-Region', value: String(key.value.multiRegion) },
            ...(key.value.description ? [{ label: 'Description', value: key.value.description }] : []),
          ]}
        />
      ) : key ? (
        <ObservationNote observation={key} />
      ) : null}
    </StepFrame>
  );
}
