// Applying: each step's progress as the remediation engine reports it (backup, write, visible), then
// the verification.
import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import type { ApplyEvent } from '../../apply/apply-report.js';
import { ScrollRegion } from '../components/scroll-region.js';
import { useTheme, type Tone } from '../theme.js';
import type { ScreenProps } from './screen-props.js';

interface StepProgress {
  readonly status: string;
  readonly tone?: Tone;
  readonly running: boolean;
  readonly backupPath?: string;
}

/** A step's progress, from the events about it so far. */
export function progressOf(events: readonly ApplyEvent[], stepId: number): StepProgress {
  let progress: StepProgress = { status: 'waiting', running: false };
  for (const event of events) {
    if (event.stepId !== stepId) continue;
    switch (event.type) {
      case 'step-started':
        progress = { ...progress, status: 'checking the target is unchanged', running: true };
        break;
      case 'backed-up':
        progress = { ...progress, status: 'backed up, writing', backupPath: event.backupPath };
        break;
      case 'written':
        progress = { ...progress, status: 'written, waiting until AWS shows it' };
        break;
      case 'step-finished':
        progress = { ...progress, running: false, status: event.status + (event.message ? `: ${event.message}` : ''), tone: event.status === 'failed' ? 'bad' : event.status === 'applied' || event.status === 'skipped' ? 'ok' : 'warn' };
        break;
      case 'rolling-back':
        progress = { ...progress, running: true, status: 'undoing' };
        break;
      case 'rolled-back':
        progress = { ...progress, running: false, status: `undone: ${event.description}`, tone: 'warn' };
        break;
      case 'rollback-failed':
        progress = { ...progress, running: false, status: `could not be undone: ${event.error}`, tone: 'bad' };
        break;
    }
  }
  return progress;
}

export function ApplyingScreen({ context, quitHeld }: ScreenProps & { readonly quitHeld: boolean }) {
  const theme = useTheme();
  const steps = context.plan?.steps ?? [];
  const all = steps.map((step) => ({ step, progress: progressOf(context.progress, step.id) }));
  // Every step done and none failed: verification is what runs now.
  const verifying = all.length > 0 && all.every(({ progress }) => !progress.running && progress.tone !== undefined && progress.tone !== 'bad');
  return (
    <Box flexDirection="column" flexShrink={1}>
      <Box flexShrink={0}>
        <Text bold color={theme.colourOf('accent')}>
          Applying the fix
        </Text>
      </Box>
      <ScrollRegion>
        {all.map(({ step, progress }) => (
          <Box key={step.id} flexDirection="column">
            <Box>
              {progress.running ? <Spinner /> : <Text color={progress.tone ? theme.colourOf(progress.tone) : undefined}>{progress.tone === 'ok' ? '✔' : progress.tone ? '✘' : '·'}</Text>}
              <Text>
                {' '}
                {step.id}. {step.title}: {progress.status}
              </Text>
            </Box>
            {progress.backupPath ? <Text dimColor>{`   backup: ${progress.backupPath}`}</Text> : null}
          </Box>
        ))}
        {verifying ? (
          <Box marginTop={1}>
            <Spinner label="Verifying: running the diagnosis again, and a dry run as the principal where possible…" />
          </Box>
        ) : null}
      </ScrollRegion>
      {quitHeld ? (
        <Box flexShrink={0}>
          <Text color={theme.colourOf('warn')}>Quitting waits until the steps are done: stopping half-way could leave a change half-made.</Text>
        </Box>
      ) : null}
    </Box>
  );
}
