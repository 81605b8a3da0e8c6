// The header's text at a terminal width: pure and free of Ink, so the Ink header (components/header.tsx)
// and the plain first frame drawn before Ink loads (plain-start-frame.ts) say the same.
import { stepTitles } from './wizard-screens.js';

/** The header's parts for a terminal `width` columns wide, longest first that fits. */
export function headerParts(width: number, step: number | undefined, scenario: string | undefined): { title: string; scenario?: string } {
  const long = step !== undefined ? `step ${step}/${stepTitles.length} · ${stepTitles[step - 1]}` : 'diagnose a KMS AccessDeniedException';
  const short = step !== undefined ? `step ${step}/${stepTitles.length}` : 'diagnose';
  // "kms-doctor · " + title + "  SANDBOX " + " " + scenario
  const length = (title: string, name?: string) => 'kms-doctor · '.length + title.length + (scenario !== undefined ? ' SANDBOX '.length + 1 + (name !== undefined ? name.length + 1 : 0) : 0);
  const candidates = [
    { title: long, scenario },
    { title: short, scenario },
    { title: short, scenario: undefined },
  ];
  return candidates.find((c) => length(c.title, c.scenario) <= width) ?? candidates.at(-1)!;
}
