// A reducer whose new state is known as soon as an action is applied, not at the next render. Keys
// that arrive together (a paste, fast typing, a terminal replaying input) each see the state the
// previous one left, and a handler can act on the result at once (submit, choose).
import { useCallback, useRef, useState } from 'react';

/** [the state as rendered, apply an action (returns the new state), the state right now]. */
export function useImmediateReducer<State, Action>(
  reducer: (state: State, action: Action) => State,
  initial: State | (() => State),
): [State, (action: Action) => State, () => State] {
  const [state, setState] = useState(initial);
  const current = useRef(state);
  const apply = useCallback(
    (action: Action) => {
      current.current = reducer(current.current, action);
      setState(current.current);
      return current.current;
    },
    [reducer],
  );
  const now = useCallback(() => current.current, []);
  return [state, apply, now];
}
