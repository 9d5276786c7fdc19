// The burn-down line of open problems (ECharts), with a dashed ideal line
// from the latest point to zero on the target date. ECharts is loaded only
// when a chart is shown. Its tooltip is drawn on the canvas (richText):
// an HTML tooltip would carry inline styles the page's CSP refuses.
import { html, useEffect, useRef } from '../preact.js';
import { t } from '../i18n.js';

let echartsModule = null;
function loadECharts() {
  echartsModule ??= import('../vendor/echarts.js');
  return echartsModule;
}

function options(burndown) {
  const points = burndown.points.map((p) => [p.date, p.open]);
  const last = points[points.length - 1];
  const series = [
    {
      name: t('map.openSeries'),
      type: 'line',
      data: points,
      showSymbol: points.length < 40,
      lineStyle: { width: 2, color: '#b42318' },
      itemStyle: { color: '#b42318' },
      areaStyle: { color: 'rgba(180, 35, 24, 0.08)' },
    },
  ];
  if (burndown.target && last) {
    series.push({
      name: t('map.ideal'),
      type: 'line',
      data: [last, [burndown.target.date, 0]],
      symbol: 'none',
      lineStyle: { type: 'dashed', width: 2, color: '#1d4ed8' },
      itemStyle: { color: '#1d4ed8' },
    });
  }
  return {
    animation: false,
    aria: { enabled: true },
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    legend: { top: 0, data: series.map((s) => s.name) },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', minInterval: 1 },
    series,
  };
}

export function BurndownChart({ burndown, lang }) {
  const box = useRef(null);
  useEffect(() => {
    let chart = null;
    let observer = null;
    let gone = false;
    loadECharts().then((echarts) => {
      if (gone || !box.current) return;
      chart = echarts.init(box.current, null, { renderer: 'canvas' });
      chart.setOption(options(burndown));
      observer = new ResizeObserver(() => chart.resize());
      observer.observe(box.current);
    });
    return () => {
      gone = true;
      observer?.disconnect();
      chart?.dispose();
    };
  }, [burndown, lang]);

  const target = burndown.target;
  return html`<div>
    <div class="chart" ref=${box} role="img" aria-label=${t('map.burndownLabel')}></div>
    <p class="muted small" data-target=${target?.date ?? ''}>
      ${target ? t(`map.target.${target.basis}`, { date: target.date }) : t('map.noTarget')}
    </p>
  </div>`;
}
