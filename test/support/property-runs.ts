/** Runs per property: FC_NUM_RUNS overrides. fast-check prints the seed and path of any failure. */
export const propertyRuns = (fallback: number): number => Number(process.env.FC_NUM_RUNS ?? fallback);
