/**
 * Units that read like a person wrote them (Grafana's habit): durations in ms / s / min / h / d, sizes in
 * B / KB / MB / GB (1,000-based, like Kafka's own tooling), counts with k / M. Pure.
 */
// One Intl.NumberFormat per number of digits: Number#toLocaleString with options builds a new formatter on
// every call, which the flow page's first render (5 charts' axes and legends, the grid's rows) paid hundreds
// of times on the server and again in the browser.
const formatters = new Map<number, Intl.NumberFormat>();
const numberFormat = (digits: number): Intl.NumberFormat => {
  let f = formatters.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en', { maximumFractionDigits: digits });
    formatters.set(digits, f);
  }
  return f;
};
const trim = (v: number, digits: number) => numberFormat(digits).format(Number(v.toFixed(digits)));

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const a = Math.abs(ms);
  if (a < 1) return `${trim(ms, 2)} ms`;
  if (a < 1000) return `${trim(ms, a < 10 ? 1 : 0)} ms`;
  if (a < 60_000) return `${trim(ms / 1000, a < 10_000 ? 2 : 1)} s`;
  if (a < 3600_000) return `${trim(ms / 60_000, 1)} min`;
  if (a < 86400_000) return `${trim(ms / 3600_000, 1)} h`;
  return `${trim(ms / 86400_000, 1)} d`;
}

export function formatBytes(bytes: number | null | undefined, suffix = ''): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${trim(v, i === 0 ? 0 : Math.abs(v) < 10 ? 2 : 1)} ${units[i]}${suffix}`;
}

export function formatCount(n: number | null | undefined, suffix = ''): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a < 1000)
    return `${trim(n, a < 10 && !Number.isInteger(n) ? 2 : a < 100 && !Number.isInteger(n) ? 1 : 0)}${suffix}`;
  if (a < 1_000_000) return `${trim(n / 1000, a < 10_000 ? 2 : 1)}k${suffix}`;
  if (a < 1_000_000_000) return `${trim(n / 1_000_000, a < 10_000_000 ? 2 : 1)}M${suffix}`;
  return `${trim(n / 1_000_000_000, 2)}G${suffix}`;
}

/** An exact number with thousands separators (tables, tooltips). */
export function formatExact(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return numberFormat(digits).format(n);
}
