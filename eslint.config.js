// ESLint flat config. Layer rules mirror DESIGN.md §3: a lower layer never imports a higher one.
import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

const LAYERS = ['domain', 'api', 'formats', 'store', 'sources', 'services', 'http', 'cli'];
/** Which layers each layer may import (itself always allowed). */
const ALLOWED = {
  domain: [],
  api: ['domain'],
  formats: ['domain', 'api'],
  store: ['domain', 'api'],
  sources: ['domain', 'formats', 'api'],
  services: ['domain', 'formats', 'store', 'sources', 'api'],
  http: ['services', 'api', 'domain'],
  cli: ['services', 'api', 'domain', 'formats', 'http'],
};
const IO_MODULES = [
  'node:*',
  'fs',
  'http',
  'fastify',
  'better-sqlite3',
  'pg',
  '@kubernetes/client-node',
  'pino',
];

function layerRules(layer) {
  const forbidden = LAYERS.filter((l) => l !== layer && !ALLOWED[layer].includes(l));
  const patterns = forbidden.map((l) => ({
    group: [`**/${l}/*`, `**/${l}`],
    message: `${layer}/ may not import ${l}/ (DESIGN.md §3: layers are one-way).`,
  }));
  if (layer === 'domain') {
    patterns.push({ group: IO_MODULES, message: 'src/domain is pure: no I/O, no framework.' });
  }
  return {
    files: [`src/${layer}/**/*.ts`],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'web/dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      eqeqeq: ['error', 'always'],
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.test.ts', 'src/testing/**', 'bench/**', 'scripts/**', 'test/**'],
    rules: { '@typescript-eslint/explicit-module-boundary-types': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js', 'bin/*'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  ...LAYERS.map(layerRules),
);
