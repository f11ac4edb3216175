// The architecture's import boundaries, checked by `npm run lint` (part of `npm test`).
// TypeScript 7 (the native port) has no JS compiler API, so typescript-eslint cannot run here:
// Babel's parser reads the TypeScript syntax instead. Only boundary rules are on: the type
// checker (`tsc --noEmit`) already covers what style rules would.
import babelParser from '@babel/eslint-parser';

const RXJS = { regex: '^rxjs(/|$)', message: 'RxJS lives only in streams/: src/ is plain async/await about one recording.' };
const STREAMS = {
  regex: '(^|/)streams/',
  message: 'src/ does not know how recordings flow: only the composition root (src/main.ts) wires streams/.',
};
const EMULATORS = {
  regex: '(^|/)emulators/',
  message: 'The emulators are for tests and the demo and are not in the production image.',
};
const DEMO = { regex: '(^|/)demo\\.ts$', message: 'The demo is not in the production image.' };

/** `no-restricted-imports` with the given patterns (static imports, `export … from`, `import type`). */
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default [
  {
    files: ['src/**/*.ts', 'streams/**/*.ts'],
    languageOptions: {
      parser: babelParser,
      parserOptions: {
        requireConfigFile: false,
        // the TypeScript syntax plugin alone: only imports matter here, nothing is transformed
        babelOptions: { babelrc: false, configFile: false, parserOpts: { plugins: ['typescript'] } },
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  // the console's pages (Hono JSX): the same parser with JSX syntax too
  {
    files: ['src/**/*.tsx'],
    languageOptions: {
      parser: babelParser,
      parserOptions: {
        requireConfigFile: false,
        babelOptions: { babelrc: false, configFile: false, parserOpts: { plugins: ['typescript', 'jsx'] } },
      },
    },
  },
  // production code: everything in src/ but the emulators and the demo
  { files: ['src/**/*.ts', 'src/**/*.tsx'], rules: restrict(RXJS, STREAMS, EMULATORS, DEMO) },
  // the composition root builds the stream; it still must not pull in rxjs or the emulators itself
  { files: ['src/main.ts'], rules: restrict(RXJS, EMULATORS, DEMO) },
  // the demo and the emulators may use each other, but still no rxjs and no wiring of their own
  { files: ['src/demo.ts', 'src/emulators/**/*.ts'], rules: restrict(RXJS, STREAMS) },
  { files: ['streams/**/*.ts'], rules: restrict(EMULATORS, DEMO) },
];
