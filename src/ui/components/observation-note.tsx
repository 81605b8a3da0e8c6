// What to show when a read did not return data: AWS refused it, or it was skipped, and why.
import { Text } from 'ink';
import type { Observation } from '../../engine/facts.js';
import { useTheme } from '../theme.js';

export function ObservationNote({ observation }: { readonly observation: Exclude<Observation<unknown>, { status: 'known' }> }) {
  const theme = useTheme();
  if (observation.status === 'skipped') return <Text color={theme.colourOf('warn')}>Not read: {observation.why}</Text>;
  const reason = { 'access-denied': 'AWS refused the read', 'not-found': 'not found', 'cross-account': 'in another account', throttled: 'AWS throttled the read (too many requests)', error: 'the read failed' }[observation.reason];
  return (
    <Text color={theme.colourOf('warn')}>
      {observation.call}: {reason}. {observation.message}
    </Text>
  );
}
