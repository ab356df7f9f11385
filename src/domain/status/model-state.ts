// A model's state on the status page, and the page's headline, derived from the figures the page shows: a model
// whose success rate over the last hour is below what the health rules allow is not "operational", and the headline
// is the worst state of any model, so it can never contradict a row beneath it.
import { sampleIsUp, successRateOf, type HealthRules, type TrafficSample } from './availability.ts';

export const MODEL_STATES = ['operational', 'degraded', 'down'] as const;
export type ModelState = (typeof MODEL_STATES)[number];

export type ModelHealth = {
  hostsOnline: number;
  /** an open incident names the model */
  incidentOpen: boolean;
  /** the model's samples over the last hour, oldest first */
  hour: readonly TrafficSample[];
};

/** The lowest success rate a model may show and still be operational. */
export const minSuccessRate = (rules: HealthRules): number => 1 - rules.maxErrorRate;

/**
 * Down without a host online; degraded when an incident names it, its latest span failed too often, or its success
 * rate over the hour (the figure beside the state) is below the rules' minimum — however few requests that is, so
 * the state never disagrees with the figure shown next to it.
 */
export function modelStateOf(health: ModelHealth, rules: HealthRules): ModelState {
  if (health.hostsOnline === 0) return 'down';
  if (health.incidentOpen) return 'degraded';
  const latest = health.hour.at(-1);
  if (latest !== undefined && !sampleIsUp(latest, rules)) return 'degraded';
  const successRate = successRateOf(health.hour);
  return successRate !== null && successRate < minSuccessRate(rules) ? 'degraded' : 'operational';
}

/** The headline: the worst state of any model (operational when there are none). */
export const headlineStateOf = (states: readonly ModelState[]): ModelState =>
  states.reduce<ModelState>(
    (worst, state) => (MODEL_STATES.indexOf(state) > MODEL_STATES.indexOf(worst) ? state : worst),
    'operational',
  );
