// npm run simulate -- --help: writes uploader traces (format v1 NDJSON) for the talk's scenarios,
// buggy or fixed, or under random load.
import { createWriteStream, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { encodeEvent, type SpecEvent } from '../../instrumentation/index.ts';
import { writeNdjson } from '../trace-generator/write-ndjson.ts';
import { simulateLoad } from './load.ts';
import { SCENARIOS, scenario } from './scenarios.ts';

const HELP = `Usage: npm run simulate -- [options]

  --scenario <name> [--buggy]   one of the talk's scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}
  --load                        the fixed services under random load, with:
      --events <n> (default 100000)  --uploads <n> (default 1000)  --users <n> (default 4)
      --workers <n> (default 11)     --seed <n> (default 1)
  --write-examples              rewrite examples/uploader/traces/ (every scenario, buggy and fixed)
  -o, --output <file>           where to write (default: stdout)`;

const { values } = parseArgs({
  options: {
    scenario: { type: 'string' }, buggy: { type: 'boolean' }, load: { type: 'boolean' }, 'write-examples': { type: 'boolean' },
    events: { type: 'string', default: '100000' }, uploads: { type: 'string', default: '1000' }, users: { type: 'string', default: '4' },
    workers: { type: 'string', default: '11' }, seed: { type: 'string', default: '1' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' },
  },
});
const fail = (message: string): never => {
  process.stderr.write(`simulate: ${message}\n${HELP}\n`);
  process.exit(2);
};
const count = (name: string, raw: string): number => (Number.isSafeInteger(Number(raw)) && Number(raw) > 0 ? Number(raw) : fail(`--${name} expects a positive whole number, got '${raw}'`));

if (values.help === true) process.stdout.write(`${HELP}\n`);
else if (values['write-examples'] === true) {
  for (const s of SCENARIOS) {
    for (const fixed of [false, true]) {
      const path = new URL(`./traces/${s.name}.${fixed ? 'fixed' : 'buggy'}.ndjson`, import.meta.url);
      writeFileSync(path, s.run(fixed).map((e) => `${encodeEvent(e)}\n`).join(''));
      process.stderr.write(`wrote ${path.pathname}\n`);
    }
  }
} else if (values.scenario !== undefined) {
  const chosen = scenario(values.scenario) ?? fail(`no scenario '${values.scenario}'`);
  const text = chosen.run(values.buggy !== true).map((e) => `${encodeEvent(e)}\n`).join('');
  if (values.output === undefined) process.stdout.write(text);
  else writeFileSync(values.output, text);
} else if (values.load === true) {
  const out = values.output === undefined ? process.stdout : createWriteStream(values.output);
  const recorded: SpecEvent[] = [];
  simulateLoad(
    { events: count('events', values.events), uploads: count('uploads', values.uploads), users: count('users', values.users), workers: count('workers', values.workers), seed: count('seed', values.seed) },
    (event) => recorded.push(event),
  );
  const written = await writeNdjson(recorded, out);
  process.stderr.write(`simulate: ${written} events\n`);
} else fail('say --scenario, --load or --write-examples');
