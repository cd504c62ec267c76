/**
 * The report form's signature: which key this browser signs the unit's report with (usableKey: held here and active
 * on the server), the line that says so before sending, and the signing itself — over the statement the server
 * rebuilds from the body (src/log/statement.ts), so a body that was changed after signing does not verify.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { StoredKey } from './keystore.ts';
import { usableKey } from './keys.ts';
import { signStatement, statementOf, type SignableReport } from './signing.ts';

export type SigningState = { kind: 'loading' } | { kind: 'none' } | { kind: 'key'; key: StoredKey };

/** Which key signs the unit's report here: the state to show, and `settled()` for the moment of sending. */
export function useSigningKey(accountId: string | undefined, unitId: string): { state: SigningState; settled: () => Promise<SigningState> } {
  const [state, setState] = useState<SigningState>({ kind: 'loading' });
  const pending = useRef<Promise<SigningState>>(Promise.resolve({ kind: 'none' }));
  useEffect(() => {
    let live = true;
    setState({ kind: 'loading' });
    const p: Promise<SigningState> = accountId
      ? usableKey(accountId, unitId).then(
          (key): SigningState => (key ? { kind: 'key', key } : { kind: 'none' }),
          (): SigningState => ({ kind: 'none' }),
        )
      : Promise.resolve({ kind: 'none' });
    pending.current = p;
    void p.then((s) => live && setState(s));
    return () => {
      live = false;
    };
  }, [accountId, unitId]);
  return { state, settled: useCallback(() => pending.current, []) };
}

/** The `signature` of the report body: the key's id and the base64 of its Ed25519 signature over the statement. */
export async function signatureFor(key: StoredKey, report: SignableReport): Promise<{ keyId: string; value: string }> {
  const statement = await statementOf(report, key.keyId);
  return { keyId: key.keyId, value: await signStatement(key.pair.privateKey, statement) };
}

/** Says, beside the send button, whether the report goes out signed by her key or rests on the office key. */
export function SigningNote({ state, unitId, isSecretary, id }: { state: SigningState; unitId: string; isSecretary: boolean; id?: string }) {
  const { t } = useTranslation('record');
  if (state.kind === 'loading') return <p id={id} className="muted">{t('form.checkingKey')}</p>;
  if (state.kind === 'key') {
    return (
      <p id={id} className="muted">
        {t('form.signed', { keyId: state.key.keyId })}
      </p>
    );
  }
  return (
    <p id={id} className="muted">
      {t('form.officeKey')}{' '}
      {isSecretary ? <Link href={`/account/keys/${encodeURIComponent(unitId)}`}>{t('form.setUpKey')}</Link> : null}
    </p>
  );
}

/** Her signature was not accepted: say why, and let her send without it (the report then rests on the office key). */
export function SignatureRefused({ message, onSendUnsigned, busy }: { message: string; onSendUnsigned: () => void; busy: boolean }) {
  const { t } = useTranslation('record');
  return (
    <div className="error" role="alert">
      <p>
        <strong>{t('form.refusedTitle')}</strong> {t('form.refused')}
      </p>
      <p className="muted" lang="en">
        {message}
      </p>
      <button type="button" className="secondary" onClick={onSendUnsigned} disabled={busy}>
        {t('form.sendUnsigned')}
      </button>
    </div>
  );
}
