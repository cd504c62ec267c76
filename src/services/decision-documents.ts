/**
 * The binding decision as documents: a PDF per language (pdfkit, with DejaVu Sans so Cyrillic and Latin both print)
 * and the Atom feed of every published act (the `feed` library). Every share printed shows its numerator and
 * denominator; a reconstruction says so on every page.
 */
import { createRequire } from 'node:module';
import { Feed } from 'feed';
import PDFDocument from 'pdfkit';
import type { DiscussionDefinition } from '../domain/discussion.ts';
import type { TallyCounts } from '../domain/tally.ts';
import type { DecisionRecord } from '../storage/decisions.repository.ts';
import type { Provenance } from './decisions.ts';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

/** The labels a PDF prints, by language (English for any other). */
const LABELS = {
  en: {
    decision: 'Binding decision',
    erratum: 'Erratum',
    reconstruction: 'Historical reconstruction — not a record of real votes',
    effective: 'Takes effect on',
    published: 'Published',
    question: 'Question',
    vote: 'Conference vote',
    voteLine: (v: { for: number; against: number; abstain: number; eligible: number }) => `${v.for} for, ${v.against} against, ${v.abstain} abstaining, of ${v.eligible} delegates with a deciding vote`,
    figures: 'The figures it rests on',
    reported: 'As reported',
    adjudicated: "After the commission's decisions",
    coverage: 'Units reported',
    members: 'Members in units adopting',
    votes: 'Votes cast for',
    none: 'no position',
    record: 'The public record',
    checkpoint: (size: number, root: string) => `Computed from the first ${size.toLocaleString('en')} entries of the signed log (root ${root}).`,
    reports: (n: number, a: number) => `${n.toLocaleString('en')} branch report versions counted; ${a} adjudications applied.`,
    verify: 'Anyone can recompute these figures: plenum verify <log URL> --vkey <the log key>.',
    corrects: 'Corrects the decision published on',
    reason: 'Reason',
  },
  ru: {
    decision: 'Обязательное решение',
    erratum: 'Исправление',
    reconstruction: 'Историческая реконструкция — не запись реальных голосований',
    effective: 'Вступает в силу',
    published: 'Опубликовано',
    question: 'Вопрос',
    vote: 'Голосование конференции',
    voteLine: (v: { for: number; against: number; abstain: number; eligible: number }) => `за — ${v.for}, против — ${v.against}, воздержались — ${v.abstain}; делегатов с решающим голосом — ${v.eligible}`,
    figures: 'Цифры, на которых оно основано',
    reported: 'По отчётам',
    adjudicated: 'После решений комиссии',
    coverage: 'Отчитались организаций',
    members: 'Членов в организациях, принявших',
    votes: 'Голосов за',
    none: 'ни одной позиции',
    record: 'Публичный журнал',
    checkpoint: (size: number, root: string) => `Вычислено по первым ${size.toLocaleString('ru')} записям подписанного журнала (корень ${root}).`,
    reports: (n: number, a: number) => `Учтено версий отчётов: ${n.toLocaleString('ru')}; решений комиссии: ${a}.`,
    verify: 'Любой может пересчитать эти цифры: plenum verify <адрес журнала> --vkey <ключ журнала>.',
    corrects: 'Исправляет решение, опубликованное',
    reason: 'Причина',
  },
} as const;
type Labels = (typeof LABELS)[keyof typeof LABELS];
const labelsFor = (lang: string): Labels => (lang.startsWith('ru') ? LABELS.ru : LABELS.en);

/** "345,679 of 400,897 (86.2%)": a share always with its numerator and denominator. */
export function share(n: number, of: number, lang: string): string {
  const locale = lang.startsWith('ru') ? 'ru' : 'en';
  const pct = of === 0 ? '—' : `${((100 * n) / of).toLocaleString(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 })}%`;
  return `${n.toLocaleString(locale)} ${locale === 'ru' ? 'из' : 'of'} ${of.toLocaleString(locale)} (${pct})`;
}

interface Resolution {
  questionId: string;
  motionId: string;
  text: Record<string, string>;
}

/** A decision or erratum as a PDF in one of its languages. */
export function decisionPdf(act: DecisionRecord, lang: string, definition: DiscussionDefinition, corrected?: DecisionRecord): Promise<Buffer> {
  const L = labelsFor(lang);
  const title = act.title[lang] ?? act.title[act.languages[0]!]!;
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: title, Subject: act.kind === 'decision' ? L.decision : L.erratum, Creator: 'Plenum' }, lang });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  const banner = () => {
    if (act.reconstruction) doc.font('bold').fontSize(10).fillColor('#8a1c1c').text(L.reconstruction).fillColor('black').moveDown(0.5);
  };
  doc.on('pageAdded', banner);
  banner();
  doc.font('body').fontSize(10).text(act.kind === 'decision' ? L.decision : L.erratum);
  doc.font('bold').fontSize(18).text(title).moveDown(0.3);
  doc.font('body').fontSize(10).text(`${L.effective}: ${act.effectiveDate} · ${L.published}: ${act.publishedAt.slice(0, 10)}`).moveDown();

  if (act.kind === 'erratum') {
    if (corrected) doc.text(`${L.corrects} ${corrected.publishedAt.slice(0, 10)}: ${corrected.title[lang] ?? corrected.title[corrected.languages[0]!]}`).moveDown();
    doc.fontSize(11).text((act.body.text as Record<string, string>)[lang] ?? '').moveDown();
    doc.font('bold').text(L.reason).font('body').text(act.reason ?? '');
    doc.end();
    return done;
  }

  const p = act.provenance as Provenance;
  for (const r of act.body.resolutions as Resolution[]) {
    const q = definition.questions.find((x) => x.id === r.questionId);
    doc.font('bold').fontSize(12).text(`${L.question}: ${q?.text ?? r.questionId}`).moveDown(0.3);
    doc.font('body').fontSize(11).text(r.text[lang] ?? '').moveDown(0.5);
    const v = p.votes.find((x) => x.questionId === r.questionId);
    if (v) doc.fontSize(10).text(`${L.vote}: ${L.voteLine(v)}`).moveDown();
  }

  doc.font('bold').fontSize(12).text(L.figures).moveDown(0.3);
  const figures = (heading: string, t: TallyCounts) => {
    doc.font('bold').fontSize(10).text(heading);
    doc.font('body').text(`${L.coverage}: ${share(t.unitsReported, t.unitsTotal, lang)}`);
    for (const q of definition.questions) {
      const qt = t.questions[q.id];
      if (!qt) continue;
      const cast = Object.values(qt.votes).reduce((a, b) => a + b, 0);
      for (const pos of q.positions) {
        doc.text(`${q.id} · ${pos.title}: ${L.members} — ${share(qt.adopted[pos.id]?.members ?? 0, t.membersTotal, lang)}; ${L.votes} — ${share(qt.votes[pos.id] ?? 0, cast, lang)}`);
      }
    }
    doc.moveDown(0.5);
  };
  figures(L.reported, p.tally.reported);
  if (p.adjudications.length > 0) figures(L.adjudicated, p.tally.adjudicated);
  doc.font('bold').fontSize(12).text(L.record).moveDown(0.3);
  doc.font('body').fontSize(9).text(L.checkpoint(p.checkpoint.size, p.checkpoint.rootHash)).text(L.reports(p.reports.length, p.adjudications.length)).text(L.verify);
  doc.end();
  return done;
}

/** The Atom feed of every published act, newest first, each with its texts in every language it was adopted in. */
export function decisionsAtom(acts: readonly DecisionRecord[], baseUrl: string): string {
  const updated = acts[0] ? new Date(acts[0].publishedAt) : new Date(0);
  const feed = new Feed({
    id: `${baseUrl}/decisions`,
    title: 'Plenum — binding decisions',
    description: 'Decisions adopted by the conference, binding on every member, and their errata',
    link: `${baseUrl}/decisions`,
    updated,
    generator: false,
    feedLinks: { atom: `${baseUrl}/decisions.atom` },
  });
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  for (const a of acts) {
    const lang = a.languages[0]!;
    const texts =
      a.kind === 'decision'
        ? (a.body.resolutions as Resolution[]).map((r) => a.languages.map((l) => `<div lang="${l}"><p>${esc(r.text[l] ?? '')}</p></div>`).join('')).join('<hr/>')
        : a.languages.map((l) => `<div lang="${l}"><p>${esc((a.body.text as Record<string, string>)[l] ?? '')}</p></div>`).join('');
    feed.addItem({
      id: `${baseUrl}/decisions/${encodeURIComponent(a.discussionId)}#${a.id}`,
      title: `${a.reconstruction ? '[Reconstruction] ' : ''}${a.kind === 'erratum' ? 'Erratum: ' : ''}${a.title[lang]}`,
      link: `${baseUrl}/decisions/${encodeURIComponent(a.discussionId)}`,
      date: new Date(a.publishedAt),
      published: new Date(a.publishedAt),
      description: `${a.kind === 'decision' ? 'Binding decision' : 'Erratum'}; takes effect on ${a.effectiveDate}; languages: ${a.languages.join(', ')}`,
      content: texts,
    });
  }
  return feed.atom1();
}
