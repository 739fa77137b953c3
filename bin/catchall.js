#!/usr/bin/env node
// The package's command: runs the built CLI (npm run build), or the TypeScript source through tsx
// when running from a checkout that has not been built.
import { existsSync } from 'node:fs';

const built = new URL('../dist/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/main.ts', import.meta.url).href);
}
