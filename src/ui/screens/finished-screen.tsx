// The end of a remediation: verified, pending propagation, still denied (continue the diagnosis), or
// rolled back; or applying stopped with an error. With the backups and how to undo.
import { Box, Text } from 'ink';
import { undoStepsOf } from '../../apply/apply-report.js';
import { fixCommand } from '../aws-commands.js';
import { CommandList } from '../components/command-list.js';
import { ScrollRegion } from '../components/scroll-region.js';
import { useTheme, type Tone } from '../theme.js';
import { predictionScore } from '../../../machines/diagnosis-context.js';
import { callerAccountOf, type ScreenProps } from './screen-props.js';

const headings: Record<string, { tone: Tone; text: string }> = {
  verified: { tone: 'ok', text: 'Fixed and verified' },
  pendingPropagation: { tone: 'warn', text: 'Applied; AWS is still propagating the change' },
  stillDenied: { tone: 'bad', text: 'Applied, but still denied' },
  rolledBack: { tone: 'bad', text: 'Not applied: everything was put back' },
  applyFailed: { tone: 'bad', text: 'Applying stopped with an error' },
};

/** The training course: this run's score, and whether it was kept. */
function TrainingScoreLine({ context, screen }: ScreenProps) {
  const theme = useTheme();
  const { right, asked } = predictionScore(context);
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text bold>
        Your predictions: {right} of {asked} right.
      </Text>
      {screen.part === 'verified' && context.progressError ? <Text color={theme.colourOf('bad')}>Progress not saved: {context.progressError}</Text> : null}
    </Box>
  );
}

export function FinishedScreen(props: ScreenProps) {
  const { context, screen } = props;
  const theme = useTheme();
  const heading = headings[screen.part] ?? headings.applyFailed!;
  const remedy = context.remedy;
  const backups = context.progress.flatMap((e) => (e.type === 'backed-up' ? [e] : []));
  // Undone in reverse order of applying: the last write is undone first.
  const undoSteps = remedy ? undoStepsOf(remedy.report) : backups.map((b) => ({ command: b.restoreCommand, targetArn: b.restoreTarget, ...(b.restoreNote !== undefined ? { note: b.restoreNote } : {}) })).reverse();
  const restoreNotes = undoSteps.flatMap((step) => (step.note !== undefined ? [step.note] : []));
  const restore = undoSteps.map(({ command, targetArn }) => fixCommand(command, context.environment, { arn: targetArn, callerAccount: callerAccountOf(context) }));
  const next =
    screen.part === 'stillDenied' || screen.part === 'applyFailed'
      ? 'Enter continue the diagnosis from the first step · q quit'
      : context.environment?.sandbox
        ? 'Enter back to the scenarios · r run the diagnosis again · q quit'
        : 'Enter start another diagnosis · r run the diagnosis again · q quit';
  return (
    <Box flexDirection="column" flexShrink={1}>
      <Box flexShrink={0}>
        <Text bold color={theme.colourOf(heading.tone)}>
          {heading.tone === 'ok' ? '✔ ' : '✘ '}
          {heading.text}
        </Text>
      </Box>
      {context.trainingCourse ? <TrainingScoreLine {...props} /> : null}
      <ScrollRegion>
        {remedy ? <Text>{remedy.report.message}</Text> : null}
        {remedy?.verification ? <Text color={theme.colourOf(heading.tone)}>{remedy.verification.message}</Text> : null}
        {screen.part === 'applyFailed' && context.failure ? <Text color={theme.colourOf('bad')}>{context.failure.message}</Text> : null}
        {screen.part === 'stillDenied'
          ? remedy?.verification?.diagnosis.causes.map((c) => (
              <Text key={c.code}>
                {'  ✘ '}
                {c.code}: {c.summary}
              </Text>
            ))
          : null}
        {context.environment?.sandbox && screen.part === 'verified' ? <Text dimColor>Goal of the exercise: {context.environment.sandbox.goal}</Text> : null}
        {remedy?.goal ? (
          <Text color={theme.colourOf(remedy.goal.stillDenied ? 'ok' : 'bad')}>
            {remedy.goal.stillDenied ? '✔ ' : '✘ '}Checked live: {remedy.goal.message}
          </Text>
        ) : null}
        {backups.length > 0 ? (
          <Box flexDirection="column" marginTop={1}>
            <Text>Backups taken before each write:</Text>
            {backups.map((b) => (
              <Text key={b.backupPath} dimColor>{`  ${b.backupPath}`}</Text>
            ))}
          </Box>
        ) : null}
        {restore.length > 0 ? <CommandList title="To undo the change:" commands={restore} /> : null}
        {restoreNotes.map((note) => (
          <Text key={note} color={theme.colourOf('warn')}>{`  ${note}`}</Text>
        ))}
        {context.environment?.sandbox && backups.length > 0 ? <Text dimColor>(The sandbox, its changes and these backups are removed when you quit.)</Text> : null}
        {remedy && remedy.report.manualRollback.length > 0 ? <CommandList title="Finish the rollback by hand:" commands={remedy.report.manualRollback} /> : null}
      </ScrollRegion>
      <Box marginTop={1} flexShrink={0}>
        <Text dimColor>{next}</Text>
      </Box>
    </Box>
  );
}
