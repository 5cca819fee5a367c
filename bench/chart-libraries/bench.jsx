import * as echarts from 'echarts';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import uPlot from 'uplot';

const N = Number(new URLSearchParams(location.search).get('n') ?? 10000);
const t0 = Date.now() - N * 5000;
const xs = Array.from({ length: N }, (_, i) => (t0 + i * 5000) / 1000);
const ys = xs.map((_, i) => 100 + 50 * Math.sin(i / 50) + Math.random() * 10);
const ys2 = ys.map((y) => y * 1.5);
const W = 900,
  H = 240;
function box() {
  const d = document.createElement('div');
  document.body.appendChild(d);
  return d;
}
const raf = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

window.runBench = async (lib) => {
  const el = box();
  const s = performance.now();
  if (lib === 'uplot') {
    new uPlot(
      { width: W, height: H, series: [{}, { stroke: 'red' }, { stroke: 'blue' }] },
      [xs, ys, ys2],
      el,
    );
  } else if (lib === 'echarts') {
    const c = echarts.init(el, null, { width: W, height: H, renderer: 'canvas' });
    c.setOption({
      animation: false,
      xAxis: { type: 'time' },
      yAxis: {},
      tooltip: { trigger: 'axis' },
      series: [
        { type: 'line', showSymbol: false, sampling: 'lttb', data: xs.map((x, i) => [x * 1000, ys[i]]) },
        { type: 'line', showSymbol: false, sampling: 'lttb', data: xs.map((x, i) => [x * 1000, ys2[i]]) },
      ],
    });
  } else {
    const data = xs.map((x, i) => ({ x, a: ys[i], b: ys2[i] }));
    const root = createRoot(el);
    flushSync(() =>
      root.render(
        <LineChart width={W} height={H} data={data}>
          <XAxis dataKey="x" />
          <YAxis />
          <Tooltip />
          <Line dataKey="a" dot={false} isAnimationActive={false} />
          <Line dataKey="b" dot={false} isAnimationActive={false} />
        </LineChart>,
      ),
    );
  }
  await raf();
  const ms = performance.now() - s;
  // update: a new point appended (live refresh)
  return { lib, N, renderMs: Math.round(ms), nodes: el.querySelectorAll('*').length };
};
