// The uploader spec with 15 s deadlines, for `specwatch monitor` on a live run: an orphan, a
// message left unhandled, is then reported 15 s after it began rather than the default 30 s.
// Long enough for the fixed services: over Kafka, a crashed worker's message is redelivered once
// its group notices the crash, after the 6 s session timeout and a rebalance.
import { uploaderSpec } from '../spec.ts';

export default uploaderSpec('15s');
