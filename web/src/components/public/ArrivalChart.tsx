/**
 * Reports arriving while this page is open: a step line drawn in plain SVG (no chart library), with the same data as
 * a table. There is no history endpoint, so the series starts when the page opened, and says so.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../../i18n.ts';

export interface ArrivalPoint {
  /** When the page saw this figure (the reader's clock). */
  at: number;
  unitsReported: number;
}

const HEIGHT = 180;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };
const TABLE_ROWS = 100;

/** 0 and a round top at or above max, for the y axis. */
function niceMax(max: number): number {
  if (max <= 4) return Math.max(1, max);
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

export function ArrivalChart({ points, unitsTotal }: { points: ArrivalPoint[]; unitsTotal: number }) {
  const { t } = useTranslation('public');
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(([e]) => e && setWidth(Math.max(240, Math.round(e.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);

  const first = points[0];
  if (!first) return null;
  const last = points[points.length - 1]!;
  const arrived = last.unitsReported - first.unitsReported;
  const end = Math.max(now, last.at, first.at + 60_000);
  const top = niceMax(arrived);
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (at: number) => PAD.left + ((at - first.at) / (end - first.at)) * plotW;
  const y = (n: number) => PAD.top + plotH - (n / top) * plotH;
  let d = `M${x(first.at).toFixed(1)},${y(0).toFixed(1)}`;
  for (const p of points.slice(1)) d += `H${x(p.at).toFixed(1)}V${y(p.unitsReported - first.unitsReported).toFixed(1)}`;
  d += `H${x(end).toFixed(1)}`;
  const yTicks = top <= 1 ? [0, top] : [0, top / 2, top];
  const opened = fmt.time(new Date(first.at).toISOString());
  const summary = t('arrivals.summary', { count: arrived, since: opened, reported: fmt.number(last.unitsReported), total: fmt.number(unitsTotal) });
  const rows = points.slice(-TABLE_ROWS);

  return (
    <div className="pub-arrivals">
      <p>{summary}</p>
      <div ref={box} className="pub-chart">
        <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-labelledby="arrivals-title arrivals-desc">
          <title id="arrivals-title">{t('arrivals.chartTitle')}</title>
          <desc id="arrivals-desc">{summary}</desc>
          {yTicks.map((v) => (
            <g key={v}>
              <line x1={PAD.left} x2={width - PAD.right} y1={y(v)} y2={y(v)} className="pub-grid-line" />
              <text x={PAD.left - 6} y={y(v)} dy="0.35em" textAnchor="end" className="pub-axis">
                {fmt.number(v)}
              </text>
            </g>
          ))}
          <text x={PAD.left} y={HEIGHT - 8} className="pub-axis">
            {opened}
          </text>
          <text x={width - PAD.right} y={HEIGHT - 8} textAnchor="end" className="pub-axis">
            {fmt.time(new Date(end).toISOString())}
          </text>
          <path d={d} className="pub-line" />
          {points.slice(1).map((p, i) => (
            <circle key={i} cx={x(p.at)} cy={y(p.unitsReported - first.unitsReported)} r={3} className="pub-dot" />
          ))}
        </svg>
      </div>
      <p className="muted pub-axis-note">{t('arrivals.axisNote')}</p>
      <details>
        <summary>{t('arrivals.tableSummary')}</summary>
        <div className="table-scroll">
          <table>
            <caption>{t('arrivals.tableCaption', { since: opened })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('arrivals.time')}</th>
                <th scope="col" className="num">
                  {t('arrivals.unitsReported')}
                </th>
                <th scope="col" className="num">
                  {t('arrivals.sinceOpened')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p, i) => (
                <tr key={i}>
                  <td>{fmt.time(new Date(p.at).toISOString())}</td>
                  <td className="num">{t('arrivals.nOfTotal', { n: fmt.number(p.unitsReported), total: fmt.number(unitsTotal) })}</td>
                  <td className="num">{fmt.number(p.unitsReported - first.unitsReported)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {points.length > rows.length ? <p className="muted">{t('arrivals.tableTruncated', { count: rows.length })}</p> : null}
      </details>
    </div>
  );
}
