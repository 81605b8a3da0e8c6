// The terminal's width and height, kept current as it is resized (Ink redraws on resize; this makes
// the views recompute what they shorten and how much of a screen fits).
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

function useTerminalSize<T>(read: (stdout: NodeJS.WriteStream) => T): T {
  const { stdout } = useStdout();
  const [value, setValue] = useState(() => read(stdout));
  useEffect(() => {
    const onResize = () => setValue(read(stdout));
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return value;
}

/** Columns available, at least 40; 80 when the stream does not say. */
export function useTerminalWidth(): number {
  return useTerminalSize((stdout) => Math.max(40, stdout.columns || 80));
}

/** Rows available (at least 10), or undefined when the stream does not say (not a terminal). */
export function useTerminalRows(): number | undefined {
  return useTerminalSize((stdout) => (stdout.rows ? Math.max(10, stdout.rows) : undefined));
}

/**
 * A terminal that reports 0 columns or rows (some pseudo-terminals, a serial console) is treated as
 * 80x24: Ink would otherwise lay the wizard out one character per line. The stream's own values still
 * win as soon as it reports them (a resize sets them through these accessors).
 */
export function withFallbackSize<T extends { columns?: number; rows?: number }>(stream: T, fallback = { columns: 80, rows: 24 }): T {
  for (const name of ['columns', 'rows'] as const) {
    let value = stream[name];
    Object.defineProperty(stream, name, {
      configurable: true,
      enumerable: true,
      get: () => (value ? value : fallback[name]),
      set: (next: number | undefined) => {
        value = next;
      },
    });
  }
  return stream;
}
