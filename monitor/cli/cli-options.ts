import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SpecwatchError } from '../errors.ts';
import { DEFAULT_LIMITS, type FormatLimits } from '../format-limits.ts';

export const usageError = (message: string, command: string): SpecwatchError =>
  new SpecwatchError(`${message}\nRun 'specwatch ${command} --help' for usage.`, { code: 'USAGE', context: { command } });

/** Two readers of one stdin would split its chunks between them and cut records in two. */
export function stdinAtMostOnce(command: string, paths: readonly string[]): void {
  if (paths.filter((p) => p === '-').length > 1) throw usageError("'-' (stdin) can be given only once", command);
}

/** util.parseArgs, with its errors turned into usage errors naming the command. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node adds advice on positionals that start with '-', which no command here takes.
    const message = (error as Error).message;
    throw usageError((error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? message.replace(/\. To specify a positional argument[^]*$/, '') : message, command);
  }
}

/** A whole number within [min, ∞), or `Infinity` when the flag says so and allows it. */
export function numberOption(command: string, flag: string, raw: string | undefined, fallback: number, min: number, allowInfinity = false): number {
  if (raw === undefined) return fallback;
  if (allowInfinity && (raw === 'inf' || raw === 'infinity')) return Infinity;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw usageError(`--${flag} expects a whole number ≥ ${min}${allowInfinity ? " or 'inf'" : ''}, got '${raw}'`, command);
  }
  return value;
}

export const limitFlags = {
  'max-event-bytes': { type: 'string' },
  'max-clock-entries': { type: 'string' },
} as const;

/** The limit options' help, with descriptions starting at `column`, where the command's other options' start. */
export const limitHelp = (column: number): string => [
  ['--max-event-bytes <n>', `largest event accepted, in UTF-8 bytes (default ${DEFAULT_LIMITS.maxEventBytes})`],
  ['--max-clock-entries <n>', `most entries in one vector clock (default ${DEFAULT_LIMITS.maxClockEntries})`],
].map(([flag, text]) => `  ${flag!.padEnd(column - 3)} ${text}`).join('\n');

export function limitsFrom(command: string, values: Record<string, string | boolean | undefined>): FormatLimits {
  const text = (flag: string): string | undefined => (typeof values[flag] === 'string' ? (values[flag] as string) : undefined);
  return {
    ...DEFAULT_LIMITS,
    maxEventBytes: numberOption(command, 'max-event-bytes', text('max-event-bytes'), DEFAULT_LIMITS.maxEventBytes, 64),
    maxClockEntries: numberOption(command, 'max-clock-entries', text('max-clock-entries'), DEFAULT_LIMITS.maxClockEntries, 1),
  };
}
