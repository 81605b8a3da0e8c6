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
