/**
 * The chart ranges of the metrics API, in a module of their own without zod: the browser's range picker
 * imports them (`@ferry/core/metric-ranges`), and the package's index (with every zod schema) would put
 * ~270 KB of script into the flow page.
 */
export const METRIC_RANGES = ['15m', '1h', '6h', '24h', '7d'] as const;
export type MetricRange = (typeof METRIC_RANGES)[number];
