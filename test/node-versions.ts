// Runs the tests on the other Node.js lines users run (22 and 24), with official Node builds taken
// from the npm registry (packages node-<platform>-<arch>) and cached outside the repo.
// Usage: npm run test:node -- [--node 22,24] [vitest filters and options…]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Pinned, so a run is reproducible; raise them with the lines' releases. */
const NODE_RELEASES: Readonly<Record<string, string>> = { '22': '22.23.3', '24': '24.21.0' };
const REPO = fileURLToPath(new URL('..', import.meta.url));
const VITEST = join(REPO, 'node_modules', 'vitest', 'vitest.mjs');
const CACHE = resolve(process.env.SPECWATCH_NODE_HOME ?? join(homedir(), '.cache', 'specwatch', 'node'));

const USAGE = `usage: npm run -s test:node -- [--node 22,24] [vitest filters and options…]

Runs 'vitest run' (with the given filters, else every test) on each Node.js line in turn, with
official builds fetched once from the npm registry into ${CACHE}
(SPECWATCH_NODE_HOME overrides). Pinned releases: ${Object.entries(NODE_RELEASES).map(([line, v]) => `${line} → ${v}`).join(', ')}.
Exit status: 0 when every line passed, 1 when a line failed, 2 for usage errors or a failed fetch.`;

function fail(message: string, status = 2): never {
  process.stderr.write(`test:node: ${message}\n`);
  process.exit(status);
}

class FetchFailed extends Error {}

/** The node binary of `version`, fetched into the cache the first time. */
function nodeBinary(version: string): string {
  const home = join(CACHE, version);
  const binary = join(home, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(binary)) return binary;
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}@${version}`;
  process.stderr.write(`test:node: fetching ${pkg} from the npm registry into ${home}\n`);
  mkdirSync(CACHE, { recursive: true });
  // Inside the cache, so the final rename stays on one file system (tmpdir may be another).
  const scratch = mkdtempSync(join(CACHE, '.fetch-'));
  try {
    const packed = spawnSync('npm', ['pack', pkg, '--silent', '--pack-destination', scratch], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const tarball = packed.stdout?.trim().split('\n').at(-1);
    if (packed.status !== 0 || tarball === undefined || tarball === '') throw new FetchFailed(`cannot fetch ${pkg} (npm pack exited ${packed.status}); is the npm registry reachable?`);
    const unpacked = spawnSync('tar', ['xzf', join(scratch, tarball), '-C', scratch], { stdio: 'inherit' });
    if (unpacked.status !== 0) throw new FetchFailed(`cannot unpack ${tarball} (tar exited ${unpacked.status})`);
    // Renamed into place whole, so an interrupted fetch never leaves a half binary in the cache.
    renameSync(join(scratch, 'package'), home);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!existsSync(binary)) throw new FetchFailed(`${pkg} has no ${binary}`);
  return binary;
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
let lines = Object.keys(NODE_RELEASES);
const at = args.indexOf('--node');
if (at >= 0) {
  const chosen = args[at + 1];
  if (chosen === undefined) fail(`--node needs a list of lines, e.g. --node 22,24\n${USAGE}`);
  lines = chosen.split(',').map((line) => line.trim());
  args.splice(at, 2);
  const unknown = lines.filter((line) => NODE_RELEASES[line] === undefined);
  if (unknown.length > 0) fail(`no pinned release for Node ${unknown.join(', ')} (known: ${Object.keys(NODE_RELEASES).join(', ')})`);
}

const failed: string[] = [];
for (const line of lines) {
  const version = NODE_RELEASES[line]!;
  let binary: string;
  try {
    binary = nodeBinary(version);
  } catch (error) {
    if (error instanceof FetchFailed) fail(error.message);
    throw error;
  }
  process.stderr.write(`\n== Node ${version}: vitest run ${args.join(' ')}\n`);
  // The node first on PATH is the one tests spawn as `node`; process.execPath is this one anyway.
  const env = { ...process.env, PATH: `${join(binary, '..')}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}` };
  const run = spawnSync(binary, [VITEST, 'run', ...args], { cwd: REPO, env, stdio: 'inherit' });
  if (run.status !== 0) failed.push(`${version} (vitest exited ${run.status ?? run.signal})`);
}
if (failed.length > 0) fail(`tests failed on Node ${failed.join(', ')}`, 1);
process.stderr.write(`\ntest:node: passed on Node ${lines.map((line) => NODE_RELEASES[line]).join(', ')}\n`);
