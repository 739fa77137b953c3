// Lint: typescript-eslint's recommended rules plus the project's import boundaries
// (each third-party library is imported in exactly one folder, DESIGN.md §2).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** library → the only folder allowed to import it */
const confined = {
  'smtp-server': 'src/smtp',
  mailparser: 'src/parse',
  'better-sqlite3': 'src/store',
  ws: 'src/realtime',
  selfsigned: 'src/smtp',
  nodemailer: 'src/outbound',
};

const restrict = (libs) => [
  'error',
  { paths: libs.map((lib) => ({ name: lib, message: `${lib} is imported only in ${confined[lib]}/` })) },
];
const allLibs = Object.keys(confined);
// A later config object wins for the same rule, so each owning folder gets the full list minus its own.
const boundaryRules = [
  { files: ['src/**/*.ts'], rules: { 'no-restricted-imports': restrict(allLibs) } },
  ...[...new Set(Object.values(confined))].map((folder) => ({
    files: [`${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': restrict(allLibs.filter((lib) => confined[lib] !== folder)) },
  })),
];

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'coverage', 'scratch', 'web/dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/**', 'src/main.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'only src/config reads process.env' },
      ],
    },
  },
  ...boundaryRules,
);
