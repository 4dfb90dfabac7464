// npm run generate -- [options]: writes a random multi-process trace as NDJSON (see --help).
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateTrace } from './generate-trace.ts';
import { perturb } from './perturb.ts';
import { writeNdjson } from './write-ndjson.ts';

const HELP = `Usage: npm run generate -- [options]

Writes a random run of communicating processes as format v1 NDJSON, with correct vector clocks.

Options:
  --processes <n>    number of processes (default 4)
  --events <n>       number of events (default 1000)
  --messages <p>     chance that a step sends, and that it receives a waiting message (default 0.3)
  --seed <n>         random seed; the same seed gives the same trace (default 1)
  --shuffle <n|full> move each event up to n places, or shuffle fully (default: in order)
  --duplicate <p>    chance that an event is written twice (default 0)
  --drop <p>         chance that an event is left out (default 0)
  -o, --output <f>   file to write (default: stdout)`;

const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '4' }, events: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '0.3' }, seed: { type: 'string', default: '1' },
    shuffle: { type: 'string' }, duplicate: { type: 'string', default: '0' }, drop: { type: 'string', default: '0' },
    output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' },
  },
});
if (values.help === true) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const number = (name: string, raw: string, min: number, max = Infinity): number => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    process.stderr.write(`generate: --${name} expects a number from ${min} to ${max}, got '${raw}'\n`);
    process.exit(2);
  }
  return value;
};
const shape = {
  processes: number('processes', values.processes, 1), events: number('events', values.events, 0),
  messageProbability: number('messages', values.messages, 0, 1), seed: number('seed', values.seed, -(2 ** 31)),
};
const how = {
  seed: shape.seed + 1,
  shuffle: values.shuffle === undefined ? 'none' as const : values.shuffle === 'full' ? 'full' as const : number('shuffle', values.shuffle, 0),
  duplicateProbability: number('duplicate', values.duplicate, 0, 1), dropProbability: number('drop', values.drop, 0, 1),
};
const out = values.output === undefined ? process.stdout : createWriteStream(values.output);
const plain = how.shuffle === 'none' && how.duplicateProbability === 0 && how.dropProbability === 0;
// An unperturbed trace streams; perturbing needs the whole trace in memory.
const events = plain ? generateTrace(shape) : perturb([...generateTrace(shape)], how).events;
await writeNdjson(events, out);
