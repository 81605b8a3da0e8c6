// The part of a screen that scrolls when the screen is taller than the terminal: it takes the rows
// the rest of the screen leaves, shows as many of its lines as fit from the scroll offset, and says
// how many more there are. The offset lives in the wizard's view state (wizard-keys.ts): this
// component only measures and reports how many lines do not fit.
import { Box, measureElement, Text, type DOMElement } from 'ink';
import { createContext, useContext, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface ScrollControl {
  /** Lines scrolled past at the top. */
  readonly offset: number;
  /** The region measured itself: `room` lines do not fit, `page` lines are visible. */
  readonly report: (room: number, page: number) => void;
}

export const ScrollContext = createContext<ScrollControl>({ offset: 0, report: () => undefined });

interface Measure {
  readonly visible: number;
  readonly total: number;
}

export function ScrollRegion({ children }: { readonly children?: ReactNode }) {
  const { offset, report } = useContext(ScrollContext);
  const outer = useRef<DOMElement>(null);
  const inner = useRef<DOMElement>(null);
  const [measure, setMeasure] = useState<Measure>({ visible: 0, total: 0 });
  // The indicator takes a line of its own, so it shows when the content is taller than the region
  // would be without it.
  const overflowing = measure.total > 0 && measure.total > measure.visible;
  useLayoutEffect(() => {
    if (!outer.current || !inner.current) return;
    const visible = measureElement(outer.current).height;
    const total = measureElement(inner.current).height;
    if (visible !== measure.visible || total !== measure.total) setMeasure({ visible, total });
    report(overflowing ? Math.max(0, total - visible) : 0, visible);
  });
  const shown = overflowing ? Math.min(offset, Math.max(0, measure.total - measure.visible)) : 0;
  const below = overflowing ? Math.max(0, measure.total - measure.visible - shown) : 0;
  return (
    <>
      <Box ref={outer} flexDirection="column" flexShrink={1} overflowY="hidden">
        <Box ref={inner} flexDirection="column" flexShrink={0} marginTop={-shown}>
          {children}
        </Box>
      </Box>
      {overflowing ? (
        <Box flexShrink={0}>
          <Text dimColor>{below > 0 ? `↓ ${below} more line${below === 1 ? '' : 's'} (↑/↓ to scroll)` : `↑ ${shown} line${shown === 1 ? '' : 's'} above (↑/↓ to scroll)`}</Text>
        </Box>
      ) : null}
    </>
  );
}
