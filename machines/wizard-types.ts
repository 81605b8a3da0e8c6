// The wizard's part of the decision machine, as types: the start questions, what preparing a run
// produces, and the remediation actors' inputs and outputs. Fixtures repeat these exactly; the CLI's
// live actors (src/live/wizard-actors.ts) implement them.
import type { ApplyEvent, ApplyReport } from '../src/apply/apply-report.js';
import type { Plan } from '../src/apply/plan-types.js';
import type { Diagnosis } from '../src/engine/cause.js';
import type { FirstDiagnosisStep, ParsedError } from '../src/engine/error-message-parser.js';
import type { DiagnosisFacts, DiagnosisRequest } from '../src/engine/facts.js';
import type { RunReads, SessionHandle } from './live-handles.js';
import type { Fix } from '../src/engine/fix.js';

/** The verdict and the fixes: what the evaluate actor returns (the engine's diagnose() and proposeFixes()). */
export interface EvaluateOutput {
  readonly diagnosis: Diagnosis;
  readonly fixes: readonly Fix[];
}

/** How the user chose to begin. */
export type StartMode = 'error' | 'operation' | 'training' | 'cloudtrail';

/** How far back the wizard's CloudTrail picker looks. */
export const cloudTrailPickerHours = 24;

export interface CloudTrailLookupInput {
  readonly sinceHours: number;
}

/** The start questions' answers so far; flags (`--key`, `--operation`, `--principal`, `--error`) pre-fill them. */
export interface StartAnswers {
  readonly mode?: StartMode;
  /** The pasted error message, as pasted. */
  readonly errorText?: string;
  readonly parsedError?: ParsedError;
  /** The step the error's wording points at first (the policy type AWS blamed). */
  readonly focusStep?: FirstDiagnosisStep;
  readonly operation?: string;
  readonly key?: string;
  /** The principal to diagnose for; absent or '' means the caller. */
  readonly principal?: string;
  /** `--encryption-context` as given (JSON text). */
  readonly encryptionContext?: string;
  /** A built-in training scenario, in training mode. */
  readonly scenario?: string;
}

/** The embedded sandbox a training run works against. Never holds a secret. */
export interface SandboxInfo {
  readonly scenario: string;
  readonly title: string;
  readonly description: string;
  readonly goal: string;
  readonly endpoint: string;
  /** The profile files the sandbox wrote (their paths only): `aws` commands shown work with them. */
  readonly configFile: string;
  readonly credentialsFile: string;
  /** The principal in trouble, by its profile name. */
  readonly principalName: string;
  /** What the team was doing (without giving the cause away). */
  readonly story?: string;
  readonly difficulty?: 'beginner' | 'intermediate' | 'advanced';
  /** The failing call as the aws CLI command the team ran (without profile or endpoint). */
  readonly failingCommand?: string;
  /** The error that call gets from the sandbox right now, verbatim (as the aws CLI prints it). */
  readonly liveError?: string;
}

/** Where the diagnosis reads from, for the screens and for the `aws` commands they show. */
export interface WizardEnvironment {
  readonly profile?: string;
  readonly keyProfile?: string;
  readonly endpointUrl?: string;
  readonly region: string;
  /** Where backups go before a write. */
  readonly backupDir: string;
  readonly sandbox?: SandboxInfo;
}

export interface PrepareInput {
  readonly answers: StartAnswers;
  /** The session the previous run used: kept when it still fits (the same scenario, or real AWS), closed otherwise. */
  readonly session?: SessionHandle;
}

export interface PrepareOutput {
  readonly request: DiagnosisRequest;
  /** The session this run reads and writes through. */
  readonly session: SessionHandle;
  readonly environment: WizardEnvironment;
  /** The answers as the run uses them (a training scenario fills them in). */
  readonly answers: StartAnswers;
}

export interface PlanInput {
  readonly request: DiagnosisRequest;
  readonly session?: SessionHandle;
  readonly reads?: RunReads;
  readonly facts: DiagnosisFacts;
  readonly result: EvaluateOutput;
}

export interface ApplyInput {
  readonly plan: Plan;
  readonly request: DiagnosisRequest;
  readonly session?: SessionHandle;
  /** Called for every apply event, in order, while the plan is applied. */
  readonly onProgress: (event: ApplyEvent) => void;
}

/** What verification concluded after the plan was applied (src/live/verify-fix.ts). */
export interface VerificationSummary {
  readonly outcome: 'verified' | 'pending-propagation' | 'still-denied';
  readonly message: string;
  readonly diagnosis: Diagnosis;
}

/** Training: the goal's other half, checked live: the outsider the scenario names still cannot use the key. */
export interface GoalCheck {
  readonly outsider: string;
  readonly stillDenied: boolean;
  readonly message: string;
}

export interface ApplyOutput {
  readonly report: ApplyReport;
  /** Present when the plan was applied (fully or pending visibility). */
  readonly verification?: VerificationSummary;
  /** Training only, after a verified fix. */
  readonly goal?: GoalCheck;
}

/** A training scenario's predictions: how many were right, of how many asked. */
export interface TrainingScore {
  readonly right: number;
  readonly asked: number;
}

/** The training course: a scenario fixed and verified, with its score, to be kept in the progress file. */
export interface RecordTrainingInput {
  readonly scenario: string;
  readonly score: TrainingScore;
}

/** The final screens of a remediation. */
export const remedyResults = ['verified', 'pendingPropagation', 'stillDenied', 'rolledBack'] as const;
export type RemedyResult = (typeof remedyResults)[number];

/** Which final screen an apply outcome leads to. */
export function remedyResultOf(output: ApplyOutput | undefined): RemedyResult {
  if (!output || (output.report.outcome !== 'applied' && output.report.outcome !== 'applied-pending')) return 'rolledBack';
  switch (output.verification?.outcome) {
    case 'verified':
      return 'verified';
    case 'still-denied':
      return 'stillDenied';
    default:
      return 'pendingPropagation';
  }
}
