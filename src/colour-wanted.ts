// Whether to colour output, by the usual rules: FORCE_COLOR wins (0 or false: never; anything else:
// always, even into a pipe), then NO_COLOR (https://no-color.org) and TERM=dumb turn colour off, and
// otherwise only a terminal gets colour.
export function colourWanted(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return Boolean(stream.isTTY);
}
