/**
 * A share as Plenum always shows one: the percentage with its numerator and denominator beside it, never alone.
 * The bar is decoration (aria-hidden); the words carry the figure.
 */
import { useTranslation } from 'react-i18next';
import { fmt } from '../i18n.ts';

export function ShareFigure({ numerator, denominator, label }: { numerator: number; denominator: number; label: string }) {
  const { t } = useTranslation();
  const pct = denominator === 0 ? 0 : (100 * numerator) / denominator;
  return (
    <div className="share">
      <div className="share-label">{label}</div>
      <div className="share-value">
        <strong>{fmt.percent(numerator, denominator)}</strong>{' '}
        <span className="share-of">{t('share.of', { n: fmt.number(numerator), d: fmt.number(denominator) })}</span>
      </div>
      <div className="bar" aria-hidden="true">
        <span style={{ width: `${Math.min(100, pct)}%` }} />
      </div>
    </div>
  );
}
