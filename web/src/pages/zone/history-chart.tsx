// The zone's current against its limit over the last hours (W4), from the stored history
// (GET /api/zones/{name}/history), reloaded every 30 s and on every allocation round's figures.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useApi } from '../../api/use-api';
import { ErrorNote } from '../../components/ui';
import { useT } from '../../i18n/i18n';

interface History {
  bucketS: number;
  from: number;
  to: number;
  points: { at: number; limitA: number[]; allocatedA: number[]; measuredA: number[] }[];
}

export function HistoryChart({ zone, hours }: { zone: string; hours: number }) {
  const t = useT();
  const history = useApi<History>(`/api/zones/${encodeURIComponent(zone)}/history?hours=${hours}`);
  const box = useRef<HTMLDivElement>(null);
  const { reload } = history;
  useEffect(() => {
    const timer = setInterval(reload, 30_000);
    return () => clearInterval(timer);
  }, [reload]);
  const data = history.data;
  useEffect(() => {
    const el = box.current;
    if (!el || !data) return;
    const xs = data.points.map((p) => p.at / 1000);
    const series: uPlot.AlignedData = [
      xs,
      data.points.map((p) => Math.min(...p.limitA)),
      data.points.map((p) => Math.max(...p.allocatedA)),
      data.points.map((p) => p.measuredA[0]),
      data.points.map((p) => p.measuredA[1]),
      data.points.map((p) => p.measuredA[2]),
    ];
    const width = Math.max(300, el.clientWidth);
    const plot = new uPlot({
      width, height: 260,
      scales: { x: { time: true, range: [data.from / 1000, data.to / 1000] }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] } },
      axes: [{}, { label: t('dashboard.chart.amps') }],
      series: [
        {},
        { label: t('dashboard.chart.limit'), stroke: '#c53030', width: 2, dash: [6, 4] },
        { label: t('dashboard.chart.allocated'), stroke: '#0b6bcb', width: 2 },
        { label: t('dashboard.chart.measured', { phase: 'L1' }), stroke: '#1f8a4c' },
        { label: t('dashboard.chart.measured', { phase: 'L2' }), stroke: '#b7791f' },
        { label: t('dashboard.chart.measured', { phase: 'L3' }), stroke: '#6b46c1' },
      ],
    }, series, el);
    const resize = () => plot.setSize({ width: Math.max(300, el.clientWidth), height: 260 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [data, t]);
  return (
    <div data-testid="zone-chart">
      <ErrorNote error={history.error} />
      {data && data.points.length === 0 && <p className="hint">{t('dashboard.chart.empty')}</p>}
      <div ref={box} className="chart-box" />
      {data && <p className="hint">{t('dashboard.chart.resolution', { seconds: data.bucketS })}</p>}
    </div>
  );
}
