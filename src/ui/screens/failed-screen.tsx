// A read failed outright (network, credentials), or planning did: what happened, and what now.
import { Box, Text } from 'ink';
import { ScrollRegion } from '../components/scroll-region.js';
import { useTheme } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

const stepNames: Record<string, string> = {
  identify: 'identifying the caller and the key',
  keyPolicy: 'reading the key policy',
  identityPolicies: "reading the principal's IAM policies",
  grants: 'listing the grants',
  evaluate: 'evaluating',
  plan: 'planning the fix',
};

export function FailedScreen({ context }: ScreenProps) {
  const theme = useTheme();
  const failure = context.failure;
  const step = failure?.step ?? 'evaluate';
  const canContinue = step !== 'evaluate';
  const hint =
    failure?.kind === 'network'
      ? 'The endpoint did not answer: check the network, the proxy or --endpoint-url, then retry.'
      : failure?.kind === 'credentials'
        ? 'The credentials were refused or are missing: check the profile (aws sts get-caller-identity), then retry.'
        : 'Retry, or go on without this step: the verdict then says what it could not check.';
  return (
    <Box flexDirection="column" flexShrink={1}>
      <Box flexShrink={0}>
        <Text bold color={theme.colourOf('bad')}>
          ✘ Stopped while {stepNames[step] ?? step}
        </Text>
      </Box>
      <ScrollRegion>
        <Text>{failure?.message}</Text>
        <Box marginTop={1}>
          <Text>{hint}</Text>
        </Box>
        <Text>Nothing was changed in AWS.</Text>
      </ScrollRegion>
      <Box marginTop={1} flexShrink={0}>
        <Text dimColor>r retry{canContinue ? (step === 'plan' ? ' · Enter back to the verdict' : ' · Enter continue without it') : ''} · q quit</Text>
      </Box>
    </Box>
  );
}
