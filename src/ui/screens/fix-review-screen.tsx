// The fix as it will be applied: per step, the target, the coloured diff (or the state change), the aws
// CLI command, the backup taken first and how to roll back. Nothing is changed on this screen.
import { Box, Text } from 'ink';
import type { PlanStep } from '../../apply/plan-types.js';
import { fixCommand } from '../aws-commands.js';
import { CommandList } from '../components/command-list.js';
import { DiffBlock } from '../components/diff-block.js';
import { StepFrame } from '../components/step-frame.js';
import { useTheme } from '../theme.js';
import { callerAccountOf, type ScreenProps } from './screen-props.js';

function change(step: PlanStep): string | undefined {
  switch (step.write.kind) {
    case 'enable-key':
      return `Key state: ${step.expected.type === 'key-state' ? step.expected.state : 'Disabled'} → Enabled`;
    case 'cancel-key-deletion':
      return 'Key state: PendingDeletion → Disabled (the deletion is cancelled)';
    case 'create-grant':
      return `New grant for ${step.write.granteePrincipal}: ${step.write.operations.join(', ')}`;
    default:
      return undefined;
  }
}

export function FixReviewScreen({ context, screen }: ScreenProps) {
  const theme = useTheme();
  const plan = context.plan;
  const callerAccount = callerAccountOf(context);
  const backupDir = context.environment?.backupDir ?? 'the backup directory';
  const steps = plan?.steps ?? [];
  return (
    <StepFrame
      title="The fix, before anything changes"
      intro="Each step re-reads its target right before writing (if someone changed it meanwhile, it stops), saves the current value as a backup, writes, and waits until AWS shows the change. If a step fails, the earlier ones are undone."
      {...(screen.loading ? { loading: 'Re-reading each target and planning the change…' } : {})}
      conclusion={
        steps.length > 0
          ? { tone: 'warn', text: `${steps.length} change${steps.length === 1 ? '' : 's'} to apply; nothing is written until you confirm.` }
          : { tone: 'warn', text: 'Nothing kms-doctor can apply: see why below.' }
      }
      keys={steps.length > 0 ? 'Enter confirm · Esc/← back to the verdict · ? help · q quit' : 'Esc/← back to the verdict · q quit'}
    >
      {steps.map((step) => (
        <Box key={step.id} flexDirection="column" marginBottom={1}>
          <Text bold>
            Step {step.id}: {step.title}
          </Text>
          <Text>
            Target: {step.target.arn} (account {step.target.accountId}
            {step.target.region ? `, ${step.target.region}` : ''})
          </Text>
          {step.diff ? <DiffBlock diff={step.diff} /> : null}
          {change(step) ? <Text color={theme.colourOf('ok')}>{change(step)}</Text> : null}
          <CommandList title="The aws CLI equivalent:" commands={[fixCommand(step.command, context.environment, { arn: step.target.arn, callerAccount })]} />
          <Text dimColor>Backup: the current value is saved under {backupDir} before the write.</Text>
          <Text dimColor>Rollback: {step.rollback.description}</Text>
          <Text dimColor>{`  $ ${fixCommand(step.rollback.command, context.environment, { arn: step.target.arn, callerAccount })}`}</Text>
          {step.notes.map((note) => (
            <Text key={note} color={theme.colourOf('warn')}>
              Note: {note}
            </Text>
          ))}
        </Box>
      ))}
      {plan?.skipped.map((skipped) => (
        <Text key={skipped.fixIndex} color={theme.colourOf('warn')}>
          Not planned: {skipped.title}: {skipped.reason}
        </Text>
      ))}
    </StepFrame>
  );
}
