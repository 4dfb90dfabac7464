import { readFileSync } from 'node:fs';
import { SpecwatchError } from '../errors.ts';
import type { CliEnvironment } from './cli-environment.ts';
import { checkCommand } from './check-command.ts';
import { ltlCommand } from './ltl-command.ts';
import { monitorCommand } from './monitor-command.ts';
import { orderCommand } from './order-command.ts';
import { publishCommand } from './publish-command.ts';
import { timelineCommand } from './timeline-command.ts';

const COMMANDS: Record<string, { summary: string; run: (args: readonly string[], env: CliEnvironment) => Promise<number> }> = {
  order: { summary: 'merge NDJSON traces into one causally ordered log', run: orderCommand },
  check: { summary: 'check traces against a spec: conformance, invariants, end conditions', run: checkCommand },
  ltl: { summary: 'evaluate a temporal formula on a trace of proposition sets', run: ltlCommand },
  monitor: { summary: 'check the events on a Kafka topic online; alerts to a topic and stdout', run: monitorCommand },
  publish: { summary: 'load NDJSON traces into a Kafka topic (staging runs, incident replays)', run: publishCommand },
  timeline: { summary: 'draw the causal timeline of a trace or topic range (HTML, ShiViz, Mermaid, JSON)', run: timelineCommand },
};

const MAIN_HELP = `Usage: specwatch <command> [options]

specwatch checks that what a distributed system did, recorded as spec actions stamped with
vector clocks, is a behaviour of its specification.

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Run 'specwatch <command> --help' for a command's options.
Exit status: 0 clean, 1 something to report, 2 usage error or unreadable input, 3 (check, and
monitor --to) nothing violated but something inconclusive.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs one command line; returns the exit status. Never throws. */
export async function runCli(argv: readonly string[], env: CliEnvironment): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? args[0] : undefined;
    if (topic !== undefined && Object.hasOwn(COMMANDS, topic)) return runCli([topic, '--help'], env);
    env.stdout.write(`${MAIN_HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    env.stdout.write(`${version()}\n`);
    return 0;
  }
  // Own names only: 'constructor' or 'toString' is an unknown command, not Object's method.
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    env.stderr.write(`specwatch: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}. Run 'specwatch --help'.\n`);
    return 2;
  }
  try {
    return await command.run(args, env);
  } catch (error) {
    if (error instanceof SpecwatchError && error.code !== 'INTERNAL') {
      env.stderr.write(`specwatch ${name}: ${error.message}\n`);
      return 2;
    }
    env.stderr.write(`specwatch ${name}: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}
