// Colours, or none: NO_COLOR (https://no-color.org) and non-colour terminals get plain text, with bold
// and inverse left to mark what matters. Screens ask for a tone, never for a colour by name.
import { createContext, useContext, type ReactNode } from 'react';
import { palette, type Tone } from './palette.js';

export type { Tone };

export interface Theme {
  readonly colour: boolean;
  /** The colour of a tone, or undefined when colour is off. */
  readonly colourOf: (tone: Tone) => string | undefined;
}

export function themeFor(colour: boolean): Theme {
  return { colour, colourOf: (tone) => (colour ? palette[tone] : undefined) };
}

const ThemeContext = createContext<Theme>(themeFor(false));

export function ThemeProvider({ theme, children }: { readonly theme: Theme; readonly children: ReactNode }) {
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

export const useTheme = (): Theme => useContext(ThemeContext);
