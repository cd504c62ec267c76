/** Pieces the decision and conference pages share: a share cell, a reconstruction banner, a focusable scrolling table. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n.ts';
import './decisions.css';

/** A share as Plenum always shows one: the percentage with its numerator and denominator beside it. */
export function ShareCell({ numerator, denominator }: { numerator: number; denominator: number }) {
  const { t } = useTranslation();
  return (
    <td className="dec-cell">
      <strong>{fmt.percent(numerator, denominator)}</strong> <span className="share-of">{t('share.of', { n: fmt.number(numerator), d: fmt.number(denominator) })}</span>
    </td>
  );
}

/** Said first on every page of a reconstruction, in words (not by colour). */
export function ReconstructionBanner() {
  const { t } = useTranslation('decisions');
  return (
    <div className="dec-reconstruction" role="note">
      <strong>{t('reconstruction.badge')}</strong> {t('reconstruction.note')}
    </div>
  );
}

/** A wide table that scrolls sideways inside itself on a phone; focusable, so the keyboard can scroll it. */
export function ScrollingTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="dec-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
