// Step 4: the key policy, every statement marked with what it does for this request. The marks and the
// conclusion are the engine's step finding (src/engine/step-findings.ts); this only renders them.
import { Box, Text } from 'ink';
import type { StatementEffect } from '../../engine/step-findings.js';
import { statementSummary } from '../../engine/policy-statements.js';
import { keyPolicyCommands } from '../aws-commands.js';
import { ObservationNote } from '../components/observation-note.js';
import { StepFrame, stepKeys } from '../components/step-frame.js';
import { useTheme, type Tone } from '../theme.js';
import { commandContextOf, conclusionOf, type ScreenProps } from './screen-props.js';

export const effectMarks: Record<StatementEffect, { mark: string; tone?: Tone }> = {
  denies: { mark: '✘', tone: 'bad' },
  allows: { mark: '✔', tone: 'ok' },
  delegates: { mark: '↪', tone: 'ok' },
  none: { mark: '·' },
};

export function KeyPolicyScreen({ context, screen, details }: ScreenProps) {
  const theme = useTheme();
  const commands = commandContextOf(context);
  const policy = context.keyPolicy;
  const finding = context.findings?.keyPolicy;
  const statements = finding?.statements ?? [];
  return (
    <StepFrame
      title="What does the key policy allow?"
      intro="Every KMS key has exactly one key policy, and nothing works without it: IAM policies count only when the key policy delegates to IAM (a statement for arn:aws:iam::ACCOUNT:root)."
      {...(screen.loading ? { loading: 'Reading the key policy (kms:GetKeyPolicy)…' } : {})}
      conclusion={conclusionOf(finding)}
      {...(commands ? { commands: keyPolicyCommands(commands) } : {})}
      keys={stepKeys}
    >
      {policy && policy.status !== 'known' ? <ObservationNote observation={policy} /> : null}
      {statements.map((s) => {
        const { mark, tone } = effectMarks[s.effect];
        return (
          <Box key={s.statement.index} flexDirection="column">
            <Text color={tone ? theme.colourOf(tone) : undefined} dimColor={s.effect === 'none'} bold={s.effect !== 'none'}>
              {mark} {s.why}
            </Text>
            {details ? <Text dimColor={s.effect === 'none'}>{JSON.stringify(statementSummary(s.statement), null, 2)}</Text> : null}
          </Box>
        );
      })}
      {policy?.status === 'known' && finding ? (
        <Text dimColor>
          {statements.length} statement{statements.length === 1 ? '' : 's'}; the marked ones decide this request. d shows {statements.length === 1 ? 'it' : 'them all'} in full.
        </Text>
      ) : null}
    </StepFrame>
  );
}
