// The one-configuration case of the checker, for `npm run bench` (stage check-one-configuration):
// every action of the generated trace is enabled and each touches only its own process, so no
// two concurrent events share a footprint key and exactly one explanation is ever kept. What
// the stage measures beyond `order` is the checker's own cost per event.
import { defineSpec } from '../../properties/index.ts';

const count = ({ state }: { readonly state: number }): number => state + 1;

export default defineSpec<number>({
  name: 'event-count',
  init: () => 0,
  actions: { Send: { effect: count }, Receive: { effect: count }, Local: { effect: count } },
  invariants: { CountNeverNegative: (events) => events >= 0 },
  footprint: ({ proc }) => [proc],
});
