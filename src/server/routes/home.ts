/**
 * `/summary`: a plain page without JavaScript (for curl, old phones and screen scrapers) — what this server holds, each open discussion's headline figures with
 * their numerators and denominators, and links to the API docs and the raw tally. Counts only; no personal data.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeTally, formatShare } from '../../domain/shares.ts';
import { getDiscussions } from '../../services/discussions.ts';
import { getTally } from '../../services/tally.ts';
import type { AppContext } from '../app.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const when = (iso: string | null | undefined) =>
  iso ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso)) + ' UTC' : '';

export const homeRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/api/v1/health', {
      config: { policy: 'public' },
      schema: { summary: 'Liveness and the storage engine', tags: ['meta'], response: { 200: z.object({ ok: z.boolean(), engine: z.string() }) } },
      handler: async () => ({ ok: true, engine: ctx.store.engine }),
    });

    app.get('/summary', {
      config: { policy: 'public' },
      schema: { hide: true },
      handler: async (_req, reply) => {
        const now = ctx.now();
        const sections: string[] = [];
        for (const d of await getDiscussions(ctx.store.db, now)) {
          const base = `/api/v1/discussions/${encodeURIComponent(d.id)}`;
          let figures = '<p>Draft: not yet open, so the roll is not frozen and there is no tally.</p>';
          if (d.state === 'open') {
            const t = await getTally(ctx.store.db, d.id, undefined, now);
            const { overall, questions } = describeTally(t, d);
            const row = (label: string, value: string) => `<tr><th scope="row">${esc(label)}</th><td>${esc(value)}</td></tr>`;
            figures = `
<p><strong>${t.provisional ? `Provisional: reporting is open until ${esc(when(d.reportingClosesAt))}.` : `Final: reporting closed on ${esc(when(d.reportingClosesAt))}.`}</strong>
Figures as of ${esc(when(t.asOf))}; weights are the voting rolls frozen when the discussion opened (${esc(when(d.openedAt))}).</p>
<table><caption>Coverage and turnout</caption><tbody>${overall.map((s) => row(s.label, formatShare(s))).join('')}</tbody></table>
${questions
  .map(
    (q) => `<table><caption>${esc(q.questionId)}: ${esc(q.text)}</caption><tbody>${q.shares.map((s) => row(s.label, formatShare(s))).join('')}</tbody></table>`,
  )
  .join('\n')}
<p><a href="${base}/tally">Tally (JSON)</a> · <a href="${base}/tally/stream">live stream (SSE)</a> · <a href="${base}">discussion (JSON)</a></p>`;
          }
          sections.push(`<section><h2>${esc(d.title)}</h2>${d.description ? `<p>${esc(d.description)}</p>` : ''}${figures}</section>`);
        }
        const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Plenum</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
table{border-collapse:collapse;margin:1rem 0;width:100%}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border-bottom:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}td{white-space:nowrap;font-variant-numeric:tabular-nums}
a{color:#0645ad}</style></head>
<body><header><h1>Plenum</h1><p>Every number is checkable: each share below names its numerator and denominator. The API is documented at <a href="/api/docs">/api/docs</a>.</p></header>
<main>${sections.join('\n') || '<p>No discussions yet. Create one with <code>plenum discussion create FILE.json</code>.</p>'}</main></body></html>`;
        return reply.type('text/html; charset=utf-8').send(html);
      },
    });
  };
