// The colour of each tone, for Ink's theme (theme.tsx) and the plain first frame (plain-start-frame.ts).
export type Tone = 'ok' | 'bad' | 'warn' | 'accent' | 'muted';

export const palette: Record<Tone, 'green' | 'red' | 'yellow' | 'cyan' | 'gray'> = { ok: 'green', bad: 'red', warn: 'yellow', accent: 'cyan', muted: 'gray' };
