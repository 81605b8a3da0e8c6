// The terminal's width, kept current as it is resized (Ink redraws on resize; this makes the views
// recompute what they shorten).
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

/** Columns available, at least 40; 80 when the stream does not say. */
export function useTerminalWidth(): number {
  const { stdout } = useStdout();
  const read = () => Math.max(40, stdout.columns || 80);
  const [width, setWidth] = useState(read);
  useEffect(() => {
    const onResize = () => setWidth(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return width;
}
