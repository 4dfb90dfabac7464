import { describe, expect, it } from 'vitest';
import { specwatch } from '../support/run-cli.ts';

// What fails before any connection: no broker is needed (the integration tests are in test/kafka/).
describe('specwatch monitor and publish, before connecting', () => {
  it('documents their options', () => {
    const monitor = specwatch(['monitor', '--help']);
    expect(monitor.status).toBe(0);
    expect(monitor.stdout).toMatch(/--alerts-topic/);
    expect(monitor.stdout).toMatch(/SPECWATCH_KAFKA_PASSWORD/);
    expect(specwatch(['publish', '--help']).stdout).toMatch(/--partitions/);
  });

  it('refuses a missing or malformed --kafka with exit status 2', () => {
    const none = specwatch(['monitor', '--spec', 'examples/uploader/spec.ts']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/needs --kafka/);
    const bad = specwatch(['publish', '--kafka', 'localhost', 'x.ndjson']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/host:port/);
  });

  it('asks for a SASL password outside the command line, and never prints it', () => {
    const missing = specwatch(['monitor', '--spec', 'examples/uploader/spec.ts', '--kafka', '127.0.0.1:1', '--sasl-mechanism', 'plain', '--sasl-username', 'ops']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/SPECWATCH_KAFKA_PASSWORD/);
    const wrong = specwatch(['monitor', '--spec', 'examples/uploader/spec.ts', '--kafka', '127.0.0.1:1', '--sasl-mechanism', 'gssapi', '--sasl-username', 'ops']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/plain, scram-sha-256, scram-sha-512/);
  });

  it('tells a time range from offsets, and rejects what is neither', () => {
    const run = specwatch(['monitor', '--spec', 'examples/uploader/spec.ts', '--kafka', '127.0.0.1:1', '--from', 'yesterday-ish']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--from expects a time/);
  });
});
