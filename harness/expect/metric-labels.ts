import { ALERT_HOPS } from '../../simulator/core/domain/metrics/alert-metrics.js';

/*
 * The label names each metric family puts on its rows (docs/metrics.md), so an expectation that
 * filters on a label no row can carry ({regoin=north}) is refused before the run instead of
 * silently summing nothing. A test runs the metric definitions on simulated traffic and checks
 * every label they emit is listed here.
 */
export const FAMILY_LABELS: Readonly<Record<string, readonly string[]>> = {
  install: ['region', 'day', 'month', 'category'],
  srv: ['srv', 'process', 'class', 'network', 'smets', 'month', 'reason'],
  alert: ['code', 'kind', 'network', 'smets', 'month', 'hop', 'bucket', 'interval'],
  firmware: ['campaign', 'month', 'deviceType', 'smets', 'network', 'model', 'bucket', 'reason', 'outcome'],
  incident: ['category', 'smets', 'resolver', 'month'],
  availability: ['network', 'kind', 'day'],
  pmr: ['month', 'status'],
};

const NETWORKS = ['north', 'central', 'south', 'ioc', 'moc', 'foc'];

/** Values of the labels whose vocabulary is closed and stable; other labels take any value. */
export const LABEL_VALUES: Readonly<Record<string, readonly string[]>> = {
  region: NETWORKS,
  // A request to a device the pipeline never saw in an inventory has no network.
  network: [...NETWORKS, 'unknown'],
  smets: ['smets1', 'smets2'],
  hop: ALERT_HOPS,
};
