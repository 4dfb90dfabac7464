import { Map as ImmutableMap } from 'immutable';
import { describe, expect, it } from 'vitest';
import { finishGroup, groupAtTime, groupProperties, parseProperty, planProperty, stepGroup, type PropertyGroup, type Valuation } from '../../properties/index.ts';

const plans = [
  planProperty('Answered', parseProperty('forall id: G (asked(id) -> F[<=10ms] answered(id))')),
  planProperty('CreatedFirst', parseProperty('forall id: G (action == "Delete" -> O action == "Create")')),
  planProperty('SoonAfter', parseProperty('forall id: G (asked(id) -> F[<=3] answered(id))')),
  planProperty('AnsweredToo', parseProperty('forall id: G (answered(id) -> F[<=20ms] asked(id))')),
];

/** A step where only the named atoms hold, with `action`. */
const at = (action: string, atoms: readonly string[]): Valuation => ({ atom: (name) => atoms.includes(name), field: (f) => (f === 'action' ? action : undefined) });

describe('property groups', () => {
  it('group by variable and by whether a bound in ms can decide them, in the order the properties first appear', () => {
    expect(groupProperties(plans).map((g) => [g.timed, g.plans.map((p) => p.name)])).toEqual([
      [true, ['Answered', 'AnsweredToo']],
      [false, ['CreatedFirst', 'SoonAfter']],
    ]);
  });

  it('decide a missed deadline when time passes, and leave instances no time can decide as they are', () => {
    const [timed, untimed] = groupProperties(plans) as [PropertyGroup, PropertyGroup];
    const waiting = stepGroup(timed, ImmutableMap(), { id: 7 }, at('Create', ['asked']), 0).instances;
    const remembering = stepGroup(untimed, ImmutableMap(), { id: 7 }, at('Create', ['asked']), 0).instances;
    expect(waiting.size).toBe(1);
    expect(remembering.size).toBe(1);
    const late = groupAtTime(timed, waiting, 11);
    expect(late.decided.map((d) => [d.plan.name, d.value, d.verdict])).toEqual([['Answered', 7, 'violated']]);
    expect(groupAtTime(untimed, remembering, 1e12)).toEqual({ instances: remembering, decided: [], deadline: Infinity });
  });

  it('keep a forall instance satisfied once it is: a later mention of its value starts no new instance', () => {
    const [group] = groupProperties([planProperty('Deleted', parseProperty('forall id: F action == "Delete"'))]) as [PropertyGroup];
    let instances = stepGroup(group, ImmutableMap(), { id: 1 }, at('Create', []), 0).instances;
    const deleted = stepGroup(group, instances, { id: 1 }, at('Delete', []), 1);
    expect(deleted.decided.map((d) => d.verdict)).toEqual(['satisfied']);
    instances = stepGroup(group, deleted.instances, { id: 1 }, at('Receive', []), 2).instances;
    // Judged on the whole trace F Delete holds for id 1: nothing is left for the end to violate.
    expect(finishGroup(group, instances)).toEqual([]);
    expect(stepGroup(group, instances, { id: 1 }, at('Receive', []), 3).decided).toEqual([]);
  });
});
