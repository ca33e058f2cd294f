import { AWS_REGIONS, isKnownRegion } from '../kms/embedded/regions';
import type { ScenarioTarget } from './scenario-loader';

/**
 * What a scenario is checked against beside its schema, for the backend it will be drilled on. The
 * embedded KMS answers for a fixed list of AWS regions and refuses any other in the request's
 * signature, which would stop the drill after it had started; so a region outside the list is
 * refused with the scenario's other problems. LocalStack and AWS KMS are not checked: a region newer
 * than KeyDrill's list is theirs to accept.
 *
 * `backend` may be given as a function: it is asked only when a region is outside the list, so the
 * editor's validation as the user types does not read the settings file for every keystroke.
 */
export function scenarioTargetFor(backend: string | undefined | (() => string | undefined)): ScenarioTarget {
  const embedded = () => {
    const kind = typeof backend === 'function' ? backend() : backend;
    return kind === undefined || kind === 'embedded';
  };
  return {
    regions: {
      has: (region) => isKnownRegion(region) || !embedded(),
      problem: (region) => `region ${region} is not one of the ${AWS_REGIONS.length} AWS regions the embedded KMS answers for (${AWS_REGIONS.slice(0, 4).join(', ')}…): check its spelling, or drill a newer region on LocalStack or AWS KMS`,
    },
  };
}
