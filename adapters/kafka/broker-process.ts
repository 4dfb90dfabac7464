// The broker's process: found by the pid file in its data dir, told apart from a reused pid, stopped.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, setupError, sleep } from './broker-setup.ts';

const PID_FILE = 'kafka.pid';
const STOP_TIMEOUT_MS = 20_000;
const KILL_TIMEOUT_MS = 5_000;

/** Records the broker's pid in its data dir. */
export async function writePid(dataDir: string, pid: number): Promise<void> {
  await writeFile(join(dataDir, PID_FILE), `${pid}\n`);
}

/** Forgets the broker's pid (it stopped, or never served). */
export async function removePid(dataDir: string): Promise<void> {
  await rm(join(dataDir, PID_FILE), { force: true });
}

async function readPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(join(dataDir, PID_FILE), 'utf8').catch(() => undefined);
  const pid = text === undefined ? NaN : Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // An exited child not yet reaped still answers signal 0; Linux shows it as a zombie.
  const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return state === undefined || !/^\d+ \(.*\) Z/.test(state);
}

/** The process's command line, or undefined when it is gone or cannot be read. */
async function commandLine(pid: number): Promise<string | undefined> {
  const proc = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (proc !== undefined) return proc.split('\0').join(' ');
  const ps = await run('ps', ['-p', String(pid), '-o', 'command=']).catch(() => undefined);
  return ps === undefined || ps.code !== 0 ? undefined : ps.output.trim();
}

/** Whether pid is a live broker started from this data dir (a pid file can outlive its process, and pids are reused). */
async function isOurBroker(pid: number, dataDir: string): Promise<boolean> {
  if (!(await isAlive(pid))) return false;
  const command = await commandLine(pid);
  return command !== undefined && command.includes('kafka.Kafka') && command.includes(join(dataDir, 'server.properties'));
}

/** Sends SIGTERM, then SIGKILL after the grace time; resolves once the process is gone. */
export async function terminate(pid: number, log: (line: string) => void): Promise<void> {
  const gone = async (within: number): Promise<boolean> => {
    const until = Date.now() + within;
    while (Date.now() < until) {
      if (!(await isAlive(pid))) return true;
      await sleep(100);
    }
    return !(await isAlive(pid));
  };
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw setupError(`Could not send ${name} to pid ${pid}: ${(error as Error).message}`, error);
    }
  };
  signal('SIGTERM');
  if (await gone(STOP_TIMEOUT_MS)) return;
  log(`Kafka (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000}s; killing it`);
  signal('SIGKILL');
  if (!(await gone(KILL_TIMEOUT_MS))) throw setupError(`Kafka (pid ${pid}) did not exit even after SIGKILL`);
}

/** The pid of our broker on this data dir; a pid file whose process is gone (or not ours) is removed. */
export async function runningPid(dataDir: string, log: (line: string) => void): Promise<number | undefined> {
  const pid = await readPid(dataDir);
  if (pid === undefined) return undefined;
  if (await isOurBroker(pid, dataDir)) return pid;
  await removePid(dataDir);
  log(`removed a stale pid file (pid ${pid} is no broker of ${dataDir})`);
  return undefined;
}

