// `kms-doctor train`: the training course. The wizard's machine in its training-course mode: the
// built-in scenarios listed with their difficulty and done marks, a prediction before each step's
// data, a score at the end. Fully offline: every scenario runs on the embedded sandbox. Progress is
// kept in the user's XDG state directory (src/files/training-progress.ts).
import { fromPromise } from 'xstate';
import type { RecordTrainingInput, TrainingScore } from '../../machines/wizard-types.js';
import type { DiagnosisMachineInput } from '../../machines/diagnosis-context.js';
import { createWizardRuntime, type WizardRuntime, type WizardRuntimeOptions } from '../live/wizard-actors.js';
import { requestOptionsOfAnswers } from './wizard-answers.js';
import { readTrainingProgress, recordScenarioFinished, trainingProgressPath, type TrainingProgress } from '../files/training-progress.js';
import { UsageError } from '../usage-error.js';
import { runWizardSession, type WizardStreams } from './wizard-command.js';

export const trainUsage = `Usage: kms-doctor train

The training course: the built-in scenarios on an embedded local sandbox (nothing real is touched,
no AWS account or credentials needed). Before each step's data you predict what it will show, then
see whether you were right and why (h shows a hint); a scenario ends with its fix verified and your
score. Progress: $XDG_STATE_HOME/kms-doctor/training.json (else ~/.local/state/kms-doctor/training.json).`;

const scoresOf = (progress: TrainingProgress): Record<string, TrainingScore> =>
  Object.fromEntries(Object.entries(progress.scenarios).map(([name, entry]) => [name, { right: entry.right, asked: entry.asked }]));

export async function runTrainCommand(
  args: readonly string[],
  streams: WizardStreams = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env },
  runtimeOptions: Partial<WizardRuntimeOptions> = {},
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    streams.stdout.write(trainUsage + '\n');
    return 0;
  }
  if (args.length > 0) throw new UsageError(`train takes no arguments, not '${args[0]}' (kms-doctor train --help)`);
  // An unusable progress file is said first, in one line, terminal or not.
  readTrainingProgress(trainingProgressPath(streams.env));
  if (!streams.stdin.isTTY || !streams.stdout.isTTY) {
    streams.stderr.write('kms-doctor: the training course needs a terminal\n');
    return 2;
  }
  const course = trainingCourse({ connection: {}, env: streams.env, ...runtimeOptions }, trainingProgressPath(streams.env));
  return runWizardSession(streams, course.runtime, course.input);
}

/**
 * The wizard's runtime in its training-course mode, with the progress at `path`: read now (a file that
 * is not ours stops here, before any screen: the record is never silently reset), and written when a
 * scenario's fix is verified.
 */
export function trainingCourse(options: Omit<WizardRuntimeOptions, 'requestOptionsOf'>, path: string): { readonly runtime: WizardRuntime; readonly input: DiagnosisMachineInput } {
  const progress = readTrainingProgress(path);
  const runtime = createWizardRuntime({ requestOptionsOf: requestOptionsOfAnswers, ...options });
  const machine = runtime.machine.provide({
    actors: {
      recordTraining: fromPromise<Readonly<Record<string, TrainingScore>> | undefined, RecordTrainingInput>(async ({ input }) =>
        input.scenario === '' ? undefined : scoresOf(recordScenarioFinished(path, input.scenario, input.score.right, input.score.asked)),
      ),
    },
  });
  return {
    runtime: { ...runtime, machine },
    input: { interactive: true, credentialsFound: true, trainingCourse: true, trainingScores: scoresOf(progress) },
  };
}
