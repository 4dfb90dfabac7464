// What `specwatch check --spec examples/uploader/spec.ts <files>` says, computed in this process
// by the stages the command runs, with their default options (the launcher and the tests run the
// command itself). The demo judges six runs: a process each would cost seconds of its budget.
import { lastValueFrom, toArray } from 'rxjs';
import { readTraceFiles } from '../../../../adapters/index.ts';
import { checkExitStatus, checkTrace, describeCheckSummary, type Alert, type CheckSummary } from '../../../../monitor/index.ts';
import uploader from '../../spec.ts';
import { UPLOADER_SPEC, type Verdict } from './specwatch-verdict.ts';

export async function checkFilesHere(files: readonly string[]): Promise<Verdict> {
  const items = await lastValueFrom(readTraceFiles(files).pipe(checkTrace(uploader), toArray()));
  const alerts = items.filter((item): item is Alert => item.type === 'alert');
  const summary = items.find((item): item is CheckSummary => item.type === 'summary');
  if (summary === undefined) throw new Error(`checking ${files.length} files gave no summary`);
  return {
    status: checkExitStatus(summary),
    alerts,
    summary: describeCheckSummary(summary),
    command: `npx specwatch check --spec ${UPLOADER_SPEC} ${files.join(' ')}`,
  };
}
