/**
 * How the reports came in, from the opening of the discussion: the running total of units that have sent their first
 * report (GET …/arrivals; corrections are not arrivals), drawn as a step line in plain SVG (no chart library), with
 * the same data as a table for those who cannot see the chart. Hour buckets are shown on the reader's clock; day
 * buckets are UTC days (that is how the server counts them), and the chart says so.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../../i18n.ts';

/** One bucket with at least one first report: its start, the units that first reported in it, the running total. */
export interface ArrivalPoint {
  at: string;
  reported: number;
  cumulative: number;
}

/** GET /api/v1/discussions/:id/arrivals?unit=U */
export interface Arrivals {
  discussionId: string;
  unitId: string;
  interval: 'hour' | 'day';
  unitsTotal: number;
  points: ArrivalPoint[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HEIGHT = 250;
const PAD = { right: 18, top: 30, bottom: 58 };

/** The smallest of 1, 2, 5 × 10ⁿ at or above `raw` (never below 1: the counts are whole units). */
function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** The top of the y axis: every unit when the line would reach a fair part of it, else a round number above the line. */
function yTop(max: number, total: number): number {
  if (total > 0 && max * 4 >= total) return total;
  const step = niceStep(Math.max(1, max) / 4);
  const top = Math.max(step, Math.ceil(Math.max(1, max) / step) * step);
  return total > 0 ? Math.min(top, total) : top;
}

function yTicks(top: number, count: number): number[] {
  const step = niceStep(top / Math.max(1, count));
  const ticks: number[] = [];
  for (let v = 0; v < top - step * 0.35; v += step) ticks.push(v);
  ticks.push(top);
  return ticks;
}

/** Tick times on the x axis: whole hours (the reader's clock) or whole UTC days, at most `max` of them. */
function xTicks(start: number, end: number, interval: 'hour' | 'day', max: number): number[] {
  const span = end - start;
  const steps = interval === 'hour' ? [1, 2, 3, 6, 12, 24, 48].map((h) => h * HOUR) : [1, 2, 3, 7, 14, 28, 56, 91].map((d) => d * DAY);
  const step = steps.find((s) => span / s <= max) ?? steps[steps.length - 1]!;
  let first: number;
  if (interval === 'day' || step >= DAY) {
    // Midnights: UTC for day buckets, the reader's for hour buckets.
    const d = new Date(start);
    if (interval === 'day') {
      first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      if (first < start) first += DAY;
    } else {
      const m = new Date(d.getFullYear(), d.getMonth(), d.getDate());
      if (m.getTime() < start) m.setDate(m.getDate() + 1);
      first = m.getTime();
    }
  } else {
    const d = new Date(start);
    d.setMinutes(0, 0, 0);
    while (d.getTime() < start || d.getHours() % (step / HOUR) !== 0) d.setHours(d.getHours() + 1);
    first = d.getTime();
  }
  const out: number[] = [];
  for (let t = first; t <= end && out.length < 60; t += step) out.push(t);
  return out;
}

function usePrefersReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)';
  const [reduced, setReduced] = useState(() => typeof matchMedia !== 'undefined' && matchMedia(query).matches);
  useEffect(() => {
    if (typeof matchMedia === 'undefined') return;
    const m = matchMedia(query);
    const on = () => setReduced(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, []);
  return reduced;
}

/** The reader's clock, moving on every `every` ms until `until`. */
function useNow(every: number, until: number): number {
  const [now, setNow] = useState(() => Date.now());
  const done = now >= until;
  useEffect(() => {
    if (done) return;
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every, done]);
  return now;
}

export function ArrivalChart({ arrivals, openedAt, closesAt }: { arrivals: Arrivals; openedAt: string; closesAt: string }) {
  const { t, i18n } = useTranslation('public');
  const lang = i18n.language;
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(([e]) => e && setWidth(Math.max(260, Math.round(e.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const reduced = usePrefersReducedMotion();
  const { interval, unitsTotal: total, points } = arrivals;
  const hourly = interval === 'hour';
  const closes = Date.parse(closesAt);
  const now = useNow(60_000, closes);

  // A new step seen while the page is open gets a brief ring around its dot (not with reduced motion).
  const firstSeen = useRef<number | null>(null);
  const last = points[points.length - 1];
  const cumulative = last?.cumulative ?? 0;
  firstSeen.current ??= cumulative;
  const grewLive = cumulative !== firstSeen.current;

  // Time: from the opening to now or the close of reporting, whichever is earlier.
  const start = Date.parse(openedAt);
  const lastAt = last ? Date.parse(last.at) : start;
  const closed = now >= closes;
  const lineEnd = Math.max(Math.min(now, closes), lastAt, start);
  const axisEnd = Math.max(lineEnd, start + 60_000);

  // Formats: hour buckets on the reader's clock, day buckets as UTC dates.
  const hourDate = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  const clock = new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit' });
  const utcDay = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
  /** A bucket in words: its day, and for an hour its hour on the reader's clock (two parts, kept whole in the table). */
  const bucketParts = (at: string): [string, string | null] => {
    const from = Date.parse(at);
    if (!hourly) return [utcDay.format(from), null];
    return [hourDate.format(from), t('arrivals.hourRange', { from: clock.format(from), to: clock.format(from + HOUR) })];
  };
  /** `whole`: the day and the hour each kept on one line (in the table a phone breaks only between them). */
  const bucketLabel = (at: string, whole = false) => {
    const keep = (text: string) => (whole ? text.replace(/ /g, '\u00a0').replace(/–/g, '\u2060–\u2060') : text);
    const [date, hour] = bucketParts(at);
    return hour ? t('arrivals.hourLabel', { date: keep(date), hour: keep(hour) }) : keep(date);
  };
  const localDay = new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short' });
  const tickDay = hourly ? localDay : new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', timeZone: 'UTC' });

  // Geometry.
  const top = yTop(cumulative, total);
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const ys = yTicks(top, Math.max(2, Math.floor(plotH / 40)));
  const left = 14 + 7.5 * Math.max(...ys.map((v) => fmt.number(v).length));
  const plotW = width - left - PAD.right;
  const x = (at: number) => left + ((Math.min(Math.max(at, start), axisEnd) - start) / (axisEnd - start)) * plotW;
  const y = (n: number) => PAD.top + plotH - (Math.min(n, top) / top) * plotH;
  // Ticks at whole hours or days, labelled with the time (hours) and the day where it changes; when the time so far is
  // too short for two of them (just opened), the two ends instead: the opening and now, as moments on the reader's clock.
  const regular = xTicks(start, axisEnd, interval, Math.max(2, Math.floor(plotW / (hourly ? 80 : 70))));
  let prevDay = '';
  const byMoment = regular.length < 2;
  const ticks: Array<{ at: number; lines: string[] }> =
    !byMoment
      ? regular.map((at, i) => {
          const day = tickDay.format(at);
          const lines = hourly ? (i === 0 || day !== prevDay ? [clock.format(at), day] : [clock.format(at)]) : [day];
          prevDay = day;
          return { at, lines };
        })
      : [start, axisEnd].map((at) => ({ at, lines: [clock.format(at), localDay.format(at)] }));

  let d = `M${x(start).toFixed(1)},${y(0).toFixed(1)}`;
  for (const p of points) d += `H${x(Date.parse(p.at)).toFixed(1)}V${y(p.cumulative).toFixed(1)}`;
  d += `H${x(lineEnd).toFixed(1)}`;

  // Words: the summary (also the chart's description), the busiest bucket, the axes.
  const percent = fmt.percent(cumulative, total);
  let summary = last
    ? t('arrivals.summary', { count: cumulative, n: fmt.number(cumulative), total: fmt.number(total), percent })
    : t('arrivals.none', { total: fmt.number(total) });
  if (last) {
    const busiest = points.reduce((a, b) => (b.reported > a.reported ? b : a));
    const when = bucketLabel(busiest.at);
    if (points.length === 1) summary += ` ${t('arrivals.allIn', { count: busiest.reported, n: fmt.number(busiest.reported), when })}`;
    else summary += ` ${t(hourly ? 'arrivals.busiestHour' : 'arrivals.busiestDay', { count: busiest.reported, n: fmt.number(busiest.reported), when })}`;
  }
  const endWords = closed
    ? t('arrivals.endClosed', { time: fmt.dateTime(new Date(closes).toISOString()) })
    : t('arrivals.endNow', { time: fmt.dateTime(new Date(lineEnd).toISOString()) });
  const axisNote = t(hourly ? 'arrivals.axisNoteHour' : 'arrivals.axisNoteDay', { top: fmt.number(top), end: endWords });
  const scaleNote = top < total ? t('arrivals.scaleNote', { top: fmt.number(top), total: fmt.number(total) }) : '';

  const caption = t(hourly ? 'arrivals.tableCaptionHour' : 'arrivals.tableCaptionDay');
  return (
    <div className="pub-arrivals">
      <p>{summary}</p>
      <div ref={box} className="pub-chart">
        <svg width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} role="img" aria-labelledby="arrivals-title arrivals-desc">
          <title id="arrivals-title">{t('arrivals.chartTitle')}</title>
          <desc id="arrivals-desc">{`${summary} ${axisNote}${scaleNote ? ` ${scaleNote}` : ''}`}</desc>
          <text x={4} y={14} className="pub-axis" fontWeight={600}>
            {top === total ? t('arrivals.yAxisAll', { total: fmt.number(total) }) : t('arrivals.yAxis')}
          </text>
          {ys.map((v) => (
            <g key={v}>
              <line x1={left} x2={width - PAD.right} y1={y(v)} y2={y(v)} className="pub-grid-line" strokeDasharray={v === 0 ? undefined : '3 3'} />
              <text x={left - 6} y={y(v)} dy="0.35em" textAnchor="end" className="pub-axis">
                {fmt.number(v)}
              </text>
            </g>
          ))}
          <line x1={left} x2={left} y1={PAD.top} y2={y(0)} className="pub-grid-line" />
          {ticks.map(({ at, lines }) => {
            const cx = x(at);
            const anchor = cx - left < 28 ? 'start' : width - PAD.right - cx < 28 ? 'end' : 'middle';
            return (
              <g key={at}>
                <line x1={cx} x2={cx} y1={y(0)} y2={y(0) + 5} className="pub-grid-line" />
                {lines.map((line, k) => (
                  <text key={k} x={cx} y={y(0) + 18 + 15 * k} textAnchor={anchor} className="pub-axis">
                    {line}
                  </text>
                ))}
              </g>
            );
          })}
          <text x={width - PAD.right} y={HEIGHT - 6} textAnchor="end" className="pub-axis" fontWeight={600}>
            {t(hourly || byMoment ? 'arrivals.xAxisHour' : 'arrivals.xAxisDay')}
          </text>
          <path d={d} className="pub-line" strokeLinejoin="round" />
          {points.map((p) => (
            <circle key={p.at} cx={x(Date.parse(p.at))} cy={y(p.cumulative)} r={3.5} className="pub-dot" />
          ))}
          {last && grewLive && !reduced ? (
            <circle key={cumulative} cx={x(lastAt)} cy={y(cumulative)} r={4} strokeWidth={2} className="pub-line" opacity={0}>
              <animate attributeName="r" from="4" to="16" dur="1.2s" repeatCount="2" />
              <animate attributeName="opacity" from="0.9" to="0" dur="1.2s" repeatCount="2" />
            </circle>
          ) : null}
        </svg>
      </div>
      <p className="muted pub-axis-note">
        {axisNote}
        {scaleNote ? ` ${scaleNote}` : ''}
      </p>
      <details>
        <summary>{t('arrivals.tableSummary')}</summary>
        {points.length === 0 ? (
          <p>{t('arrivals.none', { total: fmt.number(total) })}</p>
        ) : (
          // Focusable, so the table can be scrolled sideways with the keyboard on a narrow screen.
          <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
            <table>
              <caption>{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(hourly ? 'arrivals.colHour' : 'arrivals.colDay')}</th>
                  <th scope="col" className="num">
                    {t('arrivals.colReported')}
                  </th>
                  <th scope="col" className="num">
                    {t('arrivals.colCumulative')}
                  </th>
                  <th scope="col" className="num">
                    {t('arrivals.colShare', { total: fmt.number(total) })}
                  </th>
                </tr>
              </thead>
              <tbody>
                {points.map((p) => (
                  <tr key={p.at}>
                    <th scope="row">{bucketLabel(p.at, true)}</th>
                    <td className="num">{fmt.number(p.reported)}</td>
                    <td className="num">{fmt.number(p.cumulative)}</td>
                    <td className="num">{t('arrivals.share', { percent: fmt.percent(p.cumulative, total), n: fmt.number(p.cumulative), total: fmt.number(total) })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </details>
    </div>
  );
}
