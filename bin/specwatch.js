#!/usr/bin/env node
// The composition root: registers the TypeScript loader (so spec files need no build step),
// then hands the real adapters to the commands.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../monitor/cli/main.ts');
const { readTraceFiles, checkTraceFilesReadable } = await import('../adapters/index.ts');

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  readTraceFiles,
  checkTraceFilesReadable,
});
