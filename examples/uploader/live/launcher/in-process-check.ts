// What `specwatch check --spec examples/uploader/spec.ts <files>` says, computed in this process
// by the stages the command runs, with their default options (the launcher and the tests run the
// command itself). The demo judges six runs: a process each would cost seconds of its budget.
import { lastValueFrom, toArray } from 'rxjs';
import { readTraceFiles } from '../../../../adapters/index.ts';
import { causalOrder, checkConformance, type Alert, type CheckSummary } from '../../../../monitor/index.ts';
import uploader from '../../spec.ts';
import { UPLOADER_SPEC, type Verdict } from './specwatch-verdict.ts';

export async function checkFilesHere(files: readonly string[]): Promise<Verdict> {
  const items = await lastValueFrom(readTraceFiles(files).pipe(causalOrder({ settle: 0 }), checkConformance(uploader), toArray()));
  const alerts = items.filter((item): item is Alert => item.type === 'alert');
  const summary = items.find((item): item is CheckSummary => item.type === 'summary');
  if (summary === undefined) throw new Error(`checking ${files.length} files gave no summary`);
  const kinds = Object.entries(summary.alerts).map(([kind, n]) => `${n} ${kind}`).join(', ');
  return {
    status: summary.violated > 0 ? 1 : summary.inconclusive > 0 ? 3 : 0,
    alerts,
    summary: `specwatch check: ${summary.events} events checked against ${summary.spec}: ${alerts.length === 0 ? 'all conform' : kinds} (most orders explored at once: ${summary.peakConfigurations})`,
    command: `npx specwatch check --spec ${UPLOADER_SPEC} ${files.join(' ')}`,
  };
}
