import { readFileSync } from 'node:fs';
import type { CliEnvironment } from './cli-environment.ts';
import { usageError } from './cli-options.ts';
import type { BrokerConnection, StreamEnd, StreamStart } from './event-streams.ts';

export const DEFAULT_EVENTS_TOPIC = 'specwatch.events';
export const DEFAULT_ALERTS_TOPIC = 'specwatch.alerts';
export const PASSWORD_VARIABLE = 'SPECWATCH_KAFKA_PASSWORD';
const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export const connectionFlags = {
  kafka: { type: 'string' },
  'client-id': { type: 'string' },
  tls: { type: 'boolean' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-insecure': { type: 'boolean' },
  'sasl-mechanism': { type: 'string' },
  'sasl-username': { type: 'string' },
  'sasl-password-file': { type: 'string' },
} as const;

export const CONNECTION_HELP = `Kafka connection:
  --kafka <host:port,…>        the brokers (required)
  --client-id <id>             kafkajs client id (default specwatch)
  --tls                        connect with TLS (implied by the --tls-* files)
  --tls-ca <file>              PEM file of the CA to trust
  --tls-cert <file>, --tls-key <file>   client certificate and key (PEM)
  --tls-insecure               do not verify the brokers' certificates
  --sasl-mechanism <m>         ${MECHANISMS.join(', ')}
  --sasl-username <user>       the SASL user
  --sasl-password-file <file>  the SASL password, or set ${PASSWORD_VARIABLE}
                               (never on the command line, where ps would show it; never logged)`;

type Values = Record<string, string | boolean | undefined>;
const text = (values: Values, flag: string): string | undefined => (typeof values[flag] === 'string' ? (values[flag] as string) : undefined);

function readSecretFile(command: string, flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(`--${flag}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, command);
  }
}

/** The broker connection from the flags; TLS files are read here so a typo fails before connecting. */
export function connectionFrom(command: string, values: Values, env: CliEnvironment): BrokerConnection {
  const list = text(values, 'kafka');
  if (list === undefined) throw usageError(`${command} needs --kafka <host:port,…>`, command);
  const brokers = list.split(',').map((b) => b.trim()).filter((b) => b !== '');
  for (const broker of brokers) if (!/^[^\s:]+:\d{1,5}$/.test(broker)) throw usageError(`--kafka expects host:port entries separated by commas, got '${broker}'`, command);
  if (brokers.length === 0) throw usageError('--kafka names no broker', command);
  const connection: { -readonly [K in keyof BrokerConnection]: BrokerConnection[K] } = { brokers, clientId: text(values, 'client-id') ?? 'specwatch' };
  const [ca, cert, key] = (['tls-ca', 'tls-cert', 'tls-key'] as const).map((flag) => {
    const path = text(values, flag);
    return path === undefined ? undefined : readSecretFile(command, flag, path);
  });
  if (values.tls === true || ca !== undefined || cert !== undefined || key !== undefined || values['tls-insecure'] === true) {
    connection.ssl = { rejectUnauthorized: values['tls-insecure'] !== true, ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
  }
  const mechanism = text(values, 'sasl-mechanism');
  if (mechanism !== undefined) {
    if (!(MECHANISMS as readonly string[]).includes(mechanism)) throw usageError(`--sasl-mechanism expects one of ${MECHANISMS.join(', ')}, got '${mechanism}'`, command);
    const username = text(values, 'sasl-username');
    if (username === undefined) throw usageError('--sasl-mechanism needs --sasl-username', command);
    const file = text(values, 'sasl-password-file');
    const password = file === undefined ? env.variables?.[PASSWORD_VARIABLE] : readSecretFile(command, 'sasl-password-file', file).replace(/\r?\n$/, '');
    if (password === undefined) throw usageError(`SASL needs a password: --sasl-password-file <file> or ${PASSWORD_VARIABLE}`, command);
    connection.sasl = { mechanism: mechanism as (typeof MECHANISMS)[number], username, password };
  }
  return connection;
}

/** A time (ISO 8601, or milliseconds since the epoch) or offsets per partition (`0:120,1:98`). */
function position(command: string, flag: string, raw: string): { kind: 'time'; time: number } | { kind: 'offsets'; offsets: Map<number, number> } {
  if (/^\d+:\d+(,\d+:\d+)*$/.test(raw)) {
    return { kind: 'offsets', offsets: new Map(raw.split(',').map((pair) => pair.split(':').map(Number) as [number, number])) };
  }
  const time = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(time)) throw usageError(`--${flag} expects a time (ISO 8601 or epoch ms) or partition:offset pairs (0:120,1:98), got '${raw}'`, command);
  return { kind: 'time', time };
}

export function streamStartFrom(command: string, values: Values): StreamStart {
  const from = text(values, 'from');
  if (from !== undefined && values['from-beginning'] === true) throw usageError('--from and --from-beginning exclude each other', command);
  return from === undefined || from === 'beginning' ? { kind: 'beginning' } : position(command, 'from', from);
}

export function streamEndFrom(command: string, values: Values): StreamEnd | undefined {
  const to = text(values, 'to');
  if (to === undefined) return undefined;
  return to === 'now' ? { kind: 'now' } : position(command, 'to', to);
}
