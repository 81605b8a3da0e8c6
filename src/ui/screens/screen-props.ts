// What every screen receives: the machine's context, where it is, and how to send it events.
import type { DiagnosisContext, DiagnosisEvent } from '../../../machines/diagnosis-machine.js';
import type { StepConclusion } from '../../engine/step-findings.js';
import { entityOf } from '../../engine/identifiers.js';
import type { CommandContext } from '../aws-commands.js';
import type { Conclusion } from '../components/step-frame.js';
import type { ScreenInfo } from '../wizard-screens.js';

export interface ScreenProps {
  readonly context: DiagnosisContext;
  readonly screen: ScreenInfo;
  /** Show full values (ARNs, statements) instead of shortened ones. */
  readonly details: boolean;
  readonly send: (event: DiagnosisEvent) => void;
}

/** What the aws commands of a step need, from the context. */
export function commandContextOf(context: DiagnosisContext): CommandContext | undefined {
  if (!context.request) return undefined;
  const key = context.identity?.key;
  const principal = context.identity?.principal;
  return {
    request: context.request,
    ...(context.environment ? { environment: context.environment } : {}),
    ...(key?.status === 'known' ? { key: key.value } : {}),
    ...(principal?.status === 'known' ? { principal: principal.value } : {}),
  };
}

/** A step finding's conclusion, and what it means for the next step, as the frame shows it. */
export function conclusionOf(finding: StepConclusion | undefined): Conclusion | undefined {
  if (!finding) return undefined;
  return { tone: finding.tone, text: finding.next !== undefined ? `${finding.conclusion} ${finding.next}` : finding.conclusion };
}

/** The principal's name for sentences ("AppRole"), or what the user typed. */
export function principalName(context: DiagnosisContext): string {
  const principal = context.identity?.principal;
  if (principal?.status === 'known') return principal.value.name;
  const named = context.request?.principal;
  return named ? entityOf(named).name : 'the caller';
}

/** The account of the credentials the wizard uses, once known. */
export function callerAccountOf(context: DiagnosisContext): string | undefined {
  const caller = context.identity?.caller;
  return caller?.status === 'known' ? caller.value.accountId : undefined;
}

