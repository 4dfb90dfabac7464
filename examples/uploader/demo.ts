// npm start: the talk's three bugs, each buggy and fixed, checked by specwatch in-process.
// No external service: the services run in one simulated world, their events go straight in.
import { from } from 'rxjs';
import { causalOrder, checkConformance, decodeEvent, describeAlert, type CheckItem } from '../../monitor/index.ts';
import { encodeEvent } from '../../instrumentation/index.ts';
import { SCENARIOS } from './scenarios.ts';
import uploader from './spec.ts';

let failures = 0;
for (const scenario of SCENARIOS) {
  process.stdout.write(`\n=== ${scenario.title}\n`);
  for (const fixed of [false, true]) {
    const events = scenario.run(fixed);
    const items: CheckItem[] = [];
    from(events.map((e, i) => decodeEvent(encodeEvent(e), { source: `${scenario.name}.${fixed ? 'fixed' : 'buggy'}`, line: i + 1 })))
      .pipe(causalOrder(), checkConformance(uploader))
      .subscribe((item) => items.push(item));
    const alerts = items.filter((i) => i.type === 'alert');
    process.stdout.write(`\n--- ${fixed ? `fixed (${scenario.fix})` : `buggy (${scenario.bug})`}: ${events.length} events\n`);
    if (alerts.length === 0) process.stdout.write('specwatch: conforms, no alert\n');
    for (const alert of alerts) process.stdout.write(`${describeAlert(alert)}\n`);
    // The demo doubles as a smoke test: buggy runs must alert, fixed runs must not.
    if ((alerts.length === 0) !== fixed) failures++;
  }
}
process.stdout.write(`\nTry it on files: npx specwatch check --spec examples/uploader/spec.ts examples/uploader/traces/edit-race.buggy.ndjson\n`);
process.exitCode = failures === 0 ? 0 : 1;
