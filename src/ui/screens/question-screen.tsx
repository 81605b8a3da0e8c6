// The start's questions: the pasted error, the operation, the key, the principal. Each answer is sent
// to the machine, which checks it and decides what to ask next.
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { TextField } from '../components/text-field.js';
import { useTheme } from '../theme.js';
import { OperationMenu } from './operation-menu.js';
import type { ScreenProps } from './screen-props.js';

export function QuestionScreen({ context, screen, send }: ScreenProps) {
  const theme = useTheme();
  const { answers } = context;
  const error = context.startError ? <Text color={theme.colourOf('bad')}>{context.startError}</Text> : null;
  const ask = (title: string, explanation: string, field: ReactElement) => (
    <Box flexDirection="column">
      <Text bold color={theme.colourOf('accent')}>
        {title}
      </Text>
      <Text>{explanation}</Text>
      <Box marginTop={1}>
        <Text>› </Text>
        {field}
      </Box>
      {error}
      <Box marginTop={1}>
        <Text dimColor>Enter accept · Esc back · Ctrl-C quit</Text>
      </Box>
    </Box>
  );
  switch (screen.part) {
    case 'pasteError':
      return ask(
        'Paste the error message',
        'As the AWS CLI, an SDK or a service printed it. kms-doctor reads which operation, key and principal it names, and which policy AWS blamed.',
        <TextField key="error" placeholder="An error occurred (AccessDeniedException) when calling the Decrypt operation: …" onSubmit={(text) => send({ type: 'ERROR_PASTED', text })} />,
      );
    case 'operation':
      return <OperationMenu send={send} />;
    case 'key':
      return ask(
        'Which KMS key?',
        'A key ID, an alias (alias/…), a key ARN or an alias ARN. For a key in another account, use its ARN: IDs and aliases are looked up in your own account.',
        <TextField key="key" {...(answers.key ? { defaultValue: answers.key } : {})} placeholder="alias/my-key" onSubmit={(key) => send({ type: 'KEY_ENTERED', key })} />,
      );
    case 'principal': {
      const me = context.currentIdentity;
      const you = me?.arn ? `you: ${me.arn}` : me?.error ? `you (your identity could not be read: ${me.error})` : 'you (reading your identity…)';
      return ask(
        'Whose access?',
        `The user, role or role session that was refused. Leave it empty for ${you}.`,
        <TextField key="principal" {...(answers.principal ? { defaultValue: answers.principal } : {})} placeholder="arn:aws:iam::111122223333:role/AppRole" onSubmit={(principal) => send({ type: 'PRINCIPAL_ENTERED', principal })} />,
      );
    }
    default:
      return null;
  }
}
