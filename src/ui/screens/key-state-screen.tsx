// Step 3: the key's state. A key that is disabled or pending deletion refuses everyone.
import { keyStateCommands } from '../aws-commands.js';
import { FactsTable } from '../components/facts-table.js';
import { ObservationNote } from '../components/observation-note.js';
import { StepFrame, stepKeys, type Conclusion } from '../components/step-frame.js';
import type { KeyFacts } from '../../engine/facts.js';
import { commandContextOf, type ScreenProps } from './screen-props.js';

function conclusionFor(key: KeyFacts): Conclusion {
  switch (key.state) {
    case 'Enabled':
      return { tone: 'ok', text: 'The key is enabled: its state is not what refuses the call.' };
    case 'Disabled':
      return { tone: 'bad', text: 'The key is disabled: KMS refuses every cryptographic operation with it until it is enabled again.' };
    case 'PendingDeletion':
      return { tone: 'bad', text: `The key is scheduled for deletion${key.deletionDate ? ` on ${key.deletionDate.slice(0, 10)}` : ''}: it refuses every use until the deletion is cancelled and the key enabled.` };
    default:
      return { tone: 'bad', text: `The key is ${key.state}: it cannot be used in this state.` };
  }
}

export function KeyStateScreen({ context, details }: ScreenProps) {
  const commands = commandContextOf(context);
  const key = context.identity?.key;
  return (
    <StepFrame
      title="Is the key usable?"
      intro="A key that is disabled, scheduled for deletion or missing its key material refuses every cryptographic call, whoever asks and whatever the policies say. So the state comes before any policy."
      {...(key?.status === 'known' ? { conclusion: conclusionFor(key.value) } : { conclusion: { tone: 'warn', text: 'The key could not be described, so its state is unknown.' } })}
      {...(commands ? { commands: keyStateCommands(commands) } : {})}
      keys={stepKeys}
    >
      {key?.status === 'known' ? (
        <FactsTable
          details={details}
          rows={[
            { label: 'State', value: key.value.state, tone: key.value.state === 'Enabled' ? 'ok' : 'bad' },
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
