// "Pick the failure from CloudTrail": the refused KMS calls of the last hours, newest first, one line
// each (time, principal, operation, key, error); the chosen one pre-fills the diagnosis.
import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import { cloudTrailPickerHours } from '../../../machines/wizard-types.js';
import type { CloudTrailKmsEvent } from '../../engine/cloudtrail-event.js';
import { ChoiceList } from '../components/choice-list.js';
import { useTheme } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

/** The last part of an ARN (role session, key ID), enough to tell events apart on one line. */
const shortName = (arn: string | undefined): string => (arn === undefined ? '?' : (arn.split(/[/:]/).filter(Boolean).slice(-2).join('/') || arn));

const lineOf = (event: CloudTrailKmsEvent): string =>
  `${(event.eventTime ?? '').replace('T', ' ').replace(/Z$/, '')}  ${shortName(event.principal)}  ${event.operation}  ${shortName(event.key)}  ${event.errorCode ?? ''}`;

export function CloudTrailPicker({ context, screen, send }: ScreenProps) {
  const theme = useTheme();
  const events = context.cloudTrailEvents ?? [];
  return (
    <Box flexDirection="column">
      <Text bold color={theme.colourOf('accent')}>
        Pick the failure from CloudTrail
      </Text>
      <Text>{`Refused calls to kms.amazonaws.com in the last ${cloudTrailPickerHours} hours, newest first: time, principal, operation, key, error.`}</Text>
      {screen.part.endsWith('loading') ? (
        <Spinner label="Reading CloudTrail (LookupEvents)…" />
      ) : events.length > 0 ? (
        <Box marginTop={1}>
          <ChoiceList
            choices={events.map((event, index) => ({ value: index, label: lineOf(event), description: event.errorMessage ?? '' }))}
            limit={8}
            onChoose={(index) => send({ type: 'CLOUDTRAIL_EVENT_CHOSEN', index })}
          />
        </Box>
      ) : context.startError ? null : (
        <Text color={theme.colourOf('warn')}>CloudTrail has no refused KMS call in that time: press Esc and paste the error, or choose the operation.</Text>
      )}
      {context.startError ? <Text color={theme.colourOf('bad')}>{context.startError}</Text> : null}
      <Text dimColor>↑↓ choose · Enter diagnose this call · Esc back · q quit</Text>
    </Box>
  );
}
