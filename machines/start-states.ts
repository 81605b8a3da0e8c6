// The wizard's start questions (`whatFailed`): which operation failed, on which key, for whom — or the
// pasted error, or a training scenario — until `prepare` turns the answers into a request. Guards are in
// diagnosis-setup.ts (start section).
import { assign, not } from 'xstate';
import { answersFromError } from '../src/engine/error-prefill.js';
import { parsedErrorOfEvent, readPastedError } from '../src/engine/cloudtrail-event.js';
import { firstStepFor } from '../src/engine/error-message-parser.js';
import { explainPastedError } from '../src/engine/error-explanation.js';
import { messageOf, type DiagnosisMachineInput } from './diagnosis-context.js';
import { diagnosisSetup } from './diagnosis-setup.js';
import { cloudTrailPickerHours, type StartAnswers } from './wizard-types.js';

/** A pasted error read into answers: what it names fills what the user has not answered yet. */
function answersWithError(answers: StartAnswers, text: string): StartAnswers {
  const parsedError = readPastedError(text);
  if (!parsedError) return answers;
  const fromError = answersFromError(parsedError);
  const focusStep = firstStepFor(parsedError);
  return {
    ...fromError,
    ...answers,
    mode: 'error',
    errorText: text,
    parsedError,
    ...(focusStep !== undefined ? { focusStep } : {}),
  };
}

export function initialAnswers(input: DiagnosisMachineInput): StartAnswers {
  const given = input.answers ?? {};
  return given.errorText !== undefined ? answersWithError(given, given.errorText) : given;
}

/** Which operation failed, on which key, for whom (or the pasted error, or a training scenario). */
export const whatFailedState = diagnosisSetup.createStateConfig({
  initial: 'routing',
  on: { SUBMIT_REQUEST: { target: 'identify', actions: assign({ request: ({ event }) => event.request }) } },
  states: {
    routing: {
      always: [
        { guard: 'hasRequest', target: '#diagnosis.identify' },
        { guard: 'trainingCourse', target: 'scenario' },
        { guard: { type: 'answered', params: { fields: ['operation', 'key'] } }, target: 'review' },
        { guard: { type: 'answered', params: { fields: ['operation'] } }, target: 'key' },
        { guard: 'noCredentials', target: 'scenario' },
        { target: 'choose' },
      ],
    },
    /** Paste the error, choose the operation, or open a training scenario. */
    choose: {
      on: {
        CHOOSE_START: [
          { guard: { type: 'chose', params: ({ event }) => ({ mode: 'error', chosen: event.mode }) }, target: 'pasteError', actions: 'startAfresh' },
          { guard: { type: 'chose', params: ({ event }) => ({ mode: 'operation', chosen: event.mode }) }, target: 'operation', actions: 'startAfresh' },
          { guard: { type: 'chose', params: ({ event }) => ({ mode: 'cloudtrail', chosen: event.mode }) }, target: 'cloudTrail', actions: 'startAfresh' },
          { target: 'scenario', actions: 'startAfresh' },
        ],
      },
      exit: assign({ startError: undefined }),
    },
    pasteError: {
      on: {
        ERROR_PASTED: [
          {
            guard: { type: 'readableError', params: ({ event }) => ({ text: event.text }) },
            target: 'afterError',
            actions: assign({ answers: ({ context, event }) => answersWithError({ ...context.answers, mode: 'error' }, event.text) }),
          },
          { actions: assign({ startError: 'That does not read as an AWS KMS or access-denied error message. Paste it again, or press Esc and choose the operation instead.' }) },
        ],
        BACK: 'choose',
      },
      exit: assign({ startError: undefined }),
    },
    /** Pick the failure from CloudTrail: the refused KMS calls of the last hours; the chosen one pre-fills the answers. */
    cloudTrail: {
      initial: 'loading',
      on: { BACK: 'choose' },
      exit: assign({ startError: undefined }),
      states: {
        loading: {
          invoke: {
            id: 'lookupDenials',
            src: 'lookupDenials',
            input: { sinceHours: cloudTrailPickerHours },
            onDone: { target: 'list', actions: assign({ cloudTrailEvents: ({ event }) => event.output }) },
            onError: { target: 'list', actions: assign({ cloudTrailEvents: [], startError: ({ event }) => `CloudTrail could not be read: ${messageOf(event.error)}` }) },
          },
        },
        list: {
          on: {
            CLOUDTRAIL_EVENT_CHOSEN: {
              guard: { type: 'pickedEvent', params: ({ event }) => ({ index: event.index }) },
              target: '#diagnosis.whatFailed.afterError',
              actions: assign({
                answers: ({ context, event }) => {
                  const parsedError = parsedErrorOfEvent(context.cloudTrailEvents![event.index]!);
                  const focusStep = firstStepFor(parsedError);
                  return { ...answersFromError(parsedError), ...context.answers, mode: 'cloudtrail' as const, parsedError, ...(focusStep !== undefined ? { focusStep } : {}) };
                },
              }),
            },
          },
        },
      },
    },
    /** What the message did not say is asked next; with no credentials, the message alone is explained. */
    afterError: {
      always: [
        { guard: 'noCredentials', target: 'explained' },{ guard: { type: 'answered', params: { fields: ['operation'] } }, target: 'key' }, { target: 'operation' }],
    },
    /**
     * No credentials: what the pasted text alone says (the layer AWS blamed, what it means), and the
     * training scenario that shows the same refusal; Enter opens it, Esc goes back to the paste.
     */
    explained: {
      on: {
        CONTINUE: {
          guard: 'explainedScenario',
          target: 'preparing',
          actions: assign({
            answers: ({ context }) => ({ mode: 'training' as const, scenario: explainPastedError(context.answers.parsedError)!.scenario! }),
            startError: undefined,
          }),
        },
        BACK: 'pasteError',
      },
    },
    operation: {
      on: {
        OPERATION_CHOSEN: {
          guard: { type: 'knownOperation', params: ({ event }) => ({ operation: event.operation }) },
          target: 'key',
          actions: assign({ answers: ({ context, event }) => ({ ...context.answers, mode: context.answers.mode ?? 'operation', operation: event.operation }) }),
        },
        BACK: [
          { guard: { type: 'startsWith', params: { mode: 'error' } }, target: 'pasteError' },
          { guard: { type: 'startsWith', params: { mode: 'cloudtrail' } }, target: 'cloudTrail' },
          { target: 'choose' },
        ],
      },
    },
    key: {
      on: {
        KEY_ENTERED: [
          {
            guard: { type: 'validKey', params: ({ event }) => ({ key: event.key }) },
            target: 'principal',
            actions: assign({ answers: ({ context, event }) => ({ ...context.answers, key: event.key.trim() }) }),
          },
          { actions: assign({ startError: ({ event }) => `'${event.key.trim()}' is not a key ID, alias name (alias/…), key ARN or alias ARN.` }) },
        ],
        BACK: 'operation',
      },
      exit: assign({ startError: undefined }),
    },
    principal: {
      invoke: {
        id: 'whoAmI',
        src: 'whoAmI',
        input: {},
        onDone: { actions: assign({ currentIdentity: ({ event }) => ({ arn: event.output }) }) },
        onError: { actions: assign({ currentIdentity: ({ event }) => ({ error: messageOf(event.error) }) }) },
      },
      on: {
        PRINCIPAL_ENTERED: [
          {
            guard: { type: 'validPrincipal', params: ({ event }) => ({ principal: event.principal }) },
            target: 'review',
            actions: assign({ answers: ({ context, event }) => ({ ...context.answers, principal: event.principal.trim() }) }),
          },
          { actions: assign({ startError: ({ event }) => `'${event.principal.trim()}' is not an IAM user, role or role session ARN (leave it empty for yourself).` }) },
        ],
        BACK: 'key',
      },
      exit: assign({ startError: undefined }),
    },
    /** The built-in training scenarios, on the embedded sandbox. */
    scenario: {
      on: {
        SCENARIO_CHOSEN: {
          target: 'preparing',
          actions: assign({ answers: ({ event }) => ({ mode: 'training' as const, scenario: event.scenario }), startError: undefined }),
        },
        // The training course has no other start: its list is the first screen (q quits).
        BACK: { guard: not('trainingCourse'), target: 'choose' },
      },
    },
    /** A training scenario's story, its failing command and the error it gets live, and the goal. */
    intro: {
      on: { CONTINUE: '#diagnosis.identify', BACK: 'scenario' },
    },
    /** The answers, before anything is read. */
    review: {
      on: {
        CONTINUE: [
          {
            guard: 'needsCredentials',
            actions: assign({
              startError:
                'No AWS credentials were found on this machine, so nothing can be read: configure a profile (aws configure, aws sso login) and start again with --profile, or press Esc and open a training scenario.',
            }),
          },
          { target: 'preparing' },
        ],
        BACK: [{ guard: { type: 'startsWith', params: { mode: 'training' } }, target: 'scenario' }, { target: 'principal' }],
      },
    },
    preparing: {
      entry: assign({ startError: undefined }),
      invoke: {
        id: 'prepare',
        src: 'prepare',
        input: ({ context }) => ({ answers: context.answers, ...(context.session ? { session: context.session } : {}) }),
        onDone: [
          {
            // A training scenario opens on its story first.
            guard: { type: 'preparedTraining', params: ({ event }) => ({ training: event.output.environment.sandbox !== undefined }) },
            target: 'intro',
            actions: ['forgetRun', assign({ request: ({ event }) => event.output.request, session: ({ event }) => event.output.session, environment: ({ event }) => event.output.environment, answers: ({ event }) => event.output.answers })],
          },
          {
            target: '#diagnosis.identify',
            actions: ['forgetRun', assign({ request: ({ event }) => event.output.request, session: ({ event }) => event.output.session, environment: ({ event }) => event.output.environment, answers: ({ event }) => event.output.answers })],
          },
        ],
        onError: [
          { guard: { type: 'startsWith', params: { mode: 'training' } }, target: 'scenario', actions: assign({ startError: ({ event }) => messageOf(event.error) }) },
          { target: 'review', actions: assign({ startError: ({ event }) => messageOf(event.error) }) },
        ],
      },
    },
  },
});
