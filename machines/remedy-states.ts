// Remediation (the wizard only): from a denied verdict to the planned, confirmed, applied and verified fix.
import type { ApplyEvent } from '../src/apply/apply-report.js';
import { assign } from 'xstate';
import { factsOf, failureOf, messageOf, planBlastRadius, predictionScore } from './diagnosis-context.js';
import { diagnosisSetup } from './diagnosis-setup.js';

/** The wizard only: from a denied verdict to the applied and verified fix. */
export const remedyState = diagnosisSetup.createStateConfig({
  initial: 'planning',
  on: { APPLY_PROGRESS: { actions: assign({ progress: ({ context, event }) => [...context.progress, event.event] }) } },
  states: {
    /** Re-reads every target and turns the fixes into ordered, undoable steps. */
    planning: {
      invoke: {
        id: 'planFix',
        src: 'planFix',
        input: ({ context }) => ({
          request: context.request!,
          facts: factsOf(context),
          result: context.result!,
          ...(context.session ? { session: context.session } : {}),
          ...(context.reads ? { reads: context.reads } : {}),
        }),
        onDone: { target: 'review', actions: assign({ plan: ({ event }) => event.output }) },
        onError: { target: '#diagnosis.failed', actions: assign({ failure: ({ event }) => failureOf('plan', event.error) }) },
      },
    },
    /** The plan: diffs, aws CLI commands, the backups applying will create and how to roll back. */
    review: {
      on: { CONTINUE: { guard: 'planHasSteps', target: 'confirm' }, BACK: '#diagnosis.verdict' },
    },
    /** Names the exact targets and accounts; only a typed `yes` applies (`accept` when the plan has a blast radius). */
    confirm: {
      on: {
        CONFIRM_TEXT: [
          { guard: { type: 'typedConfirmation', params: ({ event }) => ({ text: event.text }) }, target: 'applying' },
          {
            actions: assign({
              confirmError: ({ context }) =>
                planBlastRadius(context).length > 0
                  ? "Only 'accept' applies: the change also newly allows what is listed above. Esc goes back to the plan."
                  : "Only 'yes' applies the change; Esc goes back to the plan.",
            }),
          },
        ],
        BACK: 'review',
      },
      exit: assign({ confirmError: undefined }),
    },
    /** Backup, write, wait until visible, for each step; a failing step undoes the earlier ones. Then verification. */
    applying: {
      entry: assign({ progress: [] }),
      invoke: {
        id: 'applyFix',
        src: 'applyFix',
        input: ({ context, self }) => ({
          plan: context.plan!,
          request: context.request!,
          ...(context.session ? { session: context.session } : {}),
          onProgress: (event: ApplyEvent) => self.send({ type: 'APPLY_PROGRESS', event }),
        }),
        onDone: { target: 'finished', actions: assign({ remedy: ({ event }) => event.output }) },
        onError: { target: 'applyFailed', actions: assign({ failure: ({ event }) => failureOf('apply', event.error) }) },
      },
    },
    /** Applying or verifying stopped with an error: the progress says what was written. */
    applyFailed: {
      on: { RESTART: { target: '#diagnosis.identify', actions: 'forgetRun' } },
    },
    finished: {
      initial: 'routing',
      on: {
        RESTART: { target: '#diagnosis.identify', actions: 'forgetRun' },
        // After the fix, back to where a new diagnosis starts: the scenario list (with this one marked
        // done) in training, the start menu otherwise. Nothing of this run is kept.
        CONTINUE: [
          { guard: 'inTraining', target: '#diagnosis.whatFailed.scenario', actions: ['markScenarioDone', 'startAfresh'] },
          { target: '#diagnosis.whatFailed.choose', actions: 'startAfresh' },
        ],
      },
      states: {
        routing: {
          always: [
            { guard: { type: 'remedyResultIs', params: { result: 'verified' } }, target: 'verified' },
            { guard: { type: 'remedyResultIs', params: { result: 'pendingPropagation' } }, target: 'pendingPropagation' },
            { guard: { type: 'remedyResultIs', params: { result: 'stillDenied' } }, target: 'stillDenied' },
            { target: 'rolledBack' },
          ],
        },
        /**
         * The failing call is allowed now (a dry run as the principal proves it where possible). In the
         * training course the scenario's score is kept in the progress file.
         */
        verified: {
          invoke: {
            id: 'recordTraining',
            src: 'recordTraining',
            input: ({ context }) => ({ scenario: context.environment?.sandbox?.scenario ?? '', score: predictionScore(context) }),
            onDone: { actions: assign({ trainingScores: ({ context, event }) => event.output ?? context.trainingScores }) },
            onError: { actions: assign({ progressError: ({ event }) => messageOf(event.error) }) },
          },
        },
        /** Written, but AWS does not show it everywhere yet. */
        pendingPropagation: {},
        /** Applied, and still denied: another cause remains; RESTART continues the diagnosis. */
        stillDenied: {},
        /** Nothing stayed changed: a step failed, was refused or was stale, and the earlier ones were undone. */
        rolledBack: {},
      },
    },
  },
});
