/**
 * The timeline's faults in force, by what they hold (a region's KMS out, slowed or throttled; a
 * zone down): two steps may overlap — an outage of us-east-1 from 1h for 3h, another from 3h for
 * 3h — and the first to end must not lift what the other still holds. Each begins and ends by its
 * step's index; what is held stays held while any of them is in force, as the latest begun says.
 */
export class FaultsInForce {
  private readonly active = new Map<string, number[]>();

  begin(what: string, step: number): void {
    const steps = this.active.get(what) ?? [];
    steps.push(step);
    this.active.set(what, steps);
  }

  /** Ends `step`'s hold on `what`: the step still holding it (the latest begun), or undefined when none does. */
  end(what: string, step: number): number | undefined {
    const steps = (this.active.get(what) ?? []).filter((s) => s !== step);
    if (steps.length) this.active.set(what, steps);
    else this.active.delete(what);
    return steps.at(-1);
  }
}
