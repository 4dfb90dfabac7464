// The command line of the bench scripts: --help prints the usage, and a mistyped option or a
// count that is not one ends with a one-line reason and exit code 2, not a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

function usageError(reason: string, usage: string): never {
  process.stderr.write(`${reason}\n\n${usage}\n`);
  process.exit(2);
}

/** The parsed options, or the process ends: with the usage for --help, else with why the line is wrong. */
export function benchOptions(usage: string, options: Options): Values {
  let values: Values;
  try {
    ({ values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true }) as { values: Values });
  } catch (error) {
    usageError((error as Error).message, usage);
  }
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}

/** A whole number ≥ `min` given for `--name`, or the process ends with the usage. */
export function countOption(values: Values, name: string, usage: string, min = 1): number {
  const text = values[name];
  const count = Number(text);
  if (typeof text !== 'string' || !Number.isSafeInteger(count) || count < min) usageError(`--${name} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`, usage);
  return count;
}
