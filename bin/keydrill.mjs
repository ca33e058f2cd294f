#!/usr/bin/env node
// The `keydrill` command. It runs the TypeScript sources through tsx's loader, so the CLI, the
// tests and the desktop app all run the same code with no separate build step for the command line.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src-main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
