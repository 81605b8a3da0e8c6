// The wizard's frame around a screen: the header on its line at the top, the pasted error's pointer,
// the screen in the rows below (its middle region scrolls), and the quit question at the bottom. Shared
// by the App and by the start frame drawn before the machine is loaded, so both draw the same output.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { SandboxInfo } from '../../machines/wizard-types.js';
import { Header } from './components/header.js';
import { ScrollContext, type ScrollControl } from './components/scroll-region.js';
import { themeFor, ThemeProvider } from './theme.js';
import { useTerminalRows } from './use-terminal-width.js';
import type { ScreenInfo } from './wizard-screens.js';

export interface WizardLayoutProps {
  readonly colour: boolean;
  readonly screen: ScreenInfo;
  readonly sandbox: SandboxInfo | undefined;
  /** The line pointing at the step the pasted error blames, when this is that step. */
  readonly focusLine: boolean;
  readonly scroll: ScrollControl;
  /** The quit question under the screen, when asked. */
  readonly footer: ReactNode;
  readonly children: ReactNode;
}

export function WizardLayout({ colour, screen, sandbox, focusLine, scroll, footer, children }: WizardLayoutProps) {
  // One row is left free: Ink clears the whole terminal on every redraw of output as tall as the terminal.
  const rows = useTerminalRows();
  return (
    <ThemeProvider theme={themeFor(colour)}>
      <ScrollContext.Provider value={scroll}>
        <Box flexDirection="column" {...(rows !== undefined ? { height: rows - 1 } : {})}>
          <Box flexDirection="column" flexShrink={0}>
            <Header {...(screen.step !== undefined ? { step: screen.step } : {})} {...(sandbox ? { sandbox } : {})} />
            {focusLine ? <Text color={colour ? 'yellow' : undefined}>The error you pasted blames this layer: read this step closely.</Text> : null}
          </Box>
          <Box flexDirection="column" flexShrink={1} overflowY="hidden">
            {children}
          </Box>
          {footer ? (
            <Box flexDirection="column" flexShrink={0}>
              {footer}
            </Box>
          ) : null}
        </Box>
      </ScrollContext.Provider>
    </ThemeProvider>
  );
}
