import { chromium } from 'playwright-core';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
for (const n of [1000, 10000])
  for (const lib of ['uplot', 'echarts', 'recharts']) {
    const times = [];
    let nodes = 0;
    for (let run = 0; run < 5; run++) {
      const page = await browser.newPage();
      await page.goto(`file://${process.cwd()}/index.html?n=${n}`);
      const r = await page.evaluate((l) => window.runBench(l), lib);
      times.push(r.renderMs);
      nodes = r.nodes;
      await page.close();
    }
    times.sort((a, b) => a - b);
    console.log(`${lib} n=${n} median=${times[2]}ms min=${times[0]} max=${times[4]} domNodes=${nodes}`);
  }
await browser.close();
