// The operations kms-doctor knows, grouped as people think of them (S3 read, S3 write, EBS snapshot
// copy…), each with the KMS permissions it needs.
import { Box, Text } from 'ink';
import type { DiagnosisEvent } from '../../../machines/diagnosis-machine.js';
import { operationRequirements } from '../../engine/operations.js';
import { ChoiceList } from '../components/choice-list.js';
import { useTheme } from '../theme.js';

/** Service operations first (what users usually see fail), then direct KMS calls. */
const choices = [...operationRequirements.filter((op) => op.viaService !== undefined), ...operationRequirements.filter((op) => op.viaService === undefined)].map((op) => ({
  value: op.name,
  label: `${op.group}: ${op.name}`,
  description: `${op.title}; needs ${op.actions.join(', ')}`,
}));

export function OperationMenu({ send }: { readonly send: (event: DiagnosisEvent) => void }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold color={theme.colourOf('accent')}>
        Which operation failed?
      </Text>
      <Text>Services such as S3 or EBS call KMS for you; each needs its own KMS permissions, shown below the one you pick.</Text>
      <Box marginTop={1}>
        <ChoiceList choices={choices} limit={8} onChoose={(operation) => send({ type: 'OPERATION_CHOSEN', operation })} />
      </Box>
      <Text dimColor>↑↓ choose · type to filter · Enter select · Esc back · ? help · q quit</Text>
    </Box>
  );
}
