#!/usr/bin/env node
// The composition root: registers the TypeScript loader (so spec files need no build step),
// then hands the real adapters to the commands.
import { register } from 'tsx/esm/api';

// For the long-running monitor, the first SIGINT/SIGTERM (even one during start-up) asks it to drain,
// commit and exit; a second one forces it. Other commands keep the default: a signal ends them.
const stop = new AbortController();
const onSignal = (signal) => {
  if (stop.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
  stop.abort();
};
const longRunning = process.argv[2] === 'monitor';
if (longRunning) {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

register();
const { runCli } = await import('../monitor/cli/main.ts');
const { readTraceFiles, checkTraceFilesReadable } = await import('../adapters/index.ts');
// kafkajs is loaded only by the commands that talk to Kafka.
const usesKafka = ['monitor', 'publish'].includes(process.argv[2]) || (process.argv[2] === 'timeline' && process.argv.some((a) => a === '--kafka' || a.startsWith('--kafka=')));
const eventStreams = usesKafka ? (await import('../adapters/kafka/index.ts')).kafkaEventStreams : undefined;

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  readTraceFiles,
  checkTraceFilesReadable,
  eventStreams,
  stopSignal: stop.signal,
  variables: process.env,
});
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
// The monitor has committed and flushed all it had; what may remain is a group join kafkajs cannot
// cancel, which would hold the process until the broker answers it (up to a session timeout).
if (longRunning) process.exit();
