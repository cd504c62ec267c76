/**
 * The receipt page's part on the public record: the report version's log entry, read and checked in this browser —
 * the receipt (a C2SP tlog-proof) is fetched, its checkpoint opened with the log's key, the entry read from its
 * published bundle and proved included at its index — then who vouches for it: her unit's key (signed in her
 * browser; the signature is checked here when this browser holds that key) or the office key. And the receipt itself,
 * to download and keep.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { fmt } from '../i18n.ts';
import { decodeBase64, decodeBundle, entryLocation, leafHash, NoteError, openCheckpoint, parseProof, parseVerifierKey, ProofError, verifyInclusion } from './checkpoint.ts';
import { logPath } from './check.ts';
import { listKeys } from './keystore.ts';
import { verifyStatement, type ReportStatement } from './signing.ts';
import './record.css';

type ReportEntry = ReportStatement & { signature: string; submittedAt: string };

type Found =
  | { kind: 'checking' }
  | { kind: 'none' }
  | { kind: 'unavailable'; detail: string }
  | { kind: 'bad'; detail: string }
  | { kind: 'ok'; index: number; size: number; entry: ReportEntry; ownKey: boolean | null };

const enc = encodeURIComponent;
export const receiptPath = (discussionId: string, unitId: string, version: number) =>
  `/discussions/${enc(discussionId)}/units/${enc(unitId)}/reports/${version}/receipt`;

async function checkReceipt(discussionId: string, unitId: string, version: number, resolutionSha256: string, accountId: string | undefined): Promise<Found> {
  let proofText: string;
  let vkey: string;
  let bundle: Uint8Array;
  let parsed: ReturnType<typeof parseProof>;
  let cp: Awaited<ReturnType<typeof openCheckpoint>>;
  let logKey: Awaited<ReturnType<typeof parseVerifierKey>>;
  try {
    proofText = await api<string>(receiptPath(discussionId, unitId, version));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { kind: 'none' };
    return { kind: 'unavailable', detail: e instanceof Error ? e.message : String(e) };
  }
  try {
    const v = await fetch(logPath(discussionId, 'vkey'));
    if (!v.ok) return { kind: 'unavailable', detail: `vkey: HTTP ${v.status}` };
    vkey = await v.text();
    parsed = parseProof(proofText);
    logKey = await parseVerifierKey(vkey);
    cp = await openCheckpoint(parsed.checkpoint, logKey);
    const at = entryLocation(parsed.index, cp.size);
    const b = await fetch(logPath(discussionId, at.path));
    if (!b.ok) return { kind: 'unavailable', detail: `${at.path}: HTTP ${b.status}` };
    bundle = new Uint8Array(await b.arrayBuffer());
    const entryBytes = decodeBundle(bundle)[at.offset];
    if (!entryBytes) throw new NoteError(`the bundle ${at.path} has no entry ${at.offset}`);
    await verifyInclusion(parsed.index, cp.size, await leafHash(entryBytes), parsed.proof, cp.root);
    const entry = JSON.parse(new TextDecoder().decode(entryBytes)) as ReportEntry;
    if (entry.type !== 'report' || entry.discussionId !== discussionId || entry.unitId !== unitId || entry.version !== version) {
      throw new ProofError(`entry ${parsed.index} is not version ${version} of the report of ${unitId}`);
    }
    if (entry.resolutionSha256 !== resolutionSha256) throw new ProofError(`entry ${parsed.index} holds another resolution fingerprint (${entry.resolutionSha256})`);
    let ownKey: boolean | null = null;
    if (entry.enteredBy === 'unit' && accountId) {
      const mine = (await listKeys(accountId, unitId).catch(() => [])).find((k) => k.keyId === entry.keyId);
      if (mine) {
        ownKey = await verifyStatement(decodeBase64(mine.publicKey, 'the public key'), entry);
        if (!ownKey) throw new ProofError(`the signature of entry ${parsed.index} does not verify with key ${entry.keyId}`);
      }
    }
    return { kind: 'ok', index: parsed.index, size: cp.size, entry, ownKey };
  } catch (e) {
    if (e instanceof NoteError || e instanceof ProofError || e instanceof SyntaxError) return { kind: 'bad', detail: e.message };
    return { kind: 'unavailable', detail: e instanceof Error ? e.message : String(e) };
  }
}

export function ReceiptRecord({
  discussionId,
  unitId,
  version,
  resolutionSha256,
  accountId,
}: {
  discussionId: string;
  unitId: string;
  version: number;
  resolutionSha256: string;
  accountId: string | undefined;
}) {
  const { t } = useTranslation('record');
  const [found, setFound] = useState<Found>({ kind: 'checking' });
  useEffect(() => {
    let live = true;
    setFound({ kind: 'checking' });
    void checkReceipt(discussionId, unitId, version, resolutionSha256, accountId).then((f) => live && setFound(f));
    return () => {
      live = false;
    };
  }, [discussionId, unitId, version, resolutionSha256, accountId]);

  const download = (
    <p className="no-print">
      <a className="button secondary" href={`/api/v1${receiptPath(discussionId, unitId, version)}`} download>
        {t('receipt.download')}
      </a>
      <br />
      <span className="field-hint">{t('receipt.proves')}</span>
    </p>
  );

  return (
    <section aria-labelledby="receipt-record" className="record-receipt">
      <h2 id="receipt-record">{t('receipt.title')}</h2>
      <div role="status">
        {found.kind === 'checking' ? <p className="muted">{t('receipt.checking')}</p> : null}
        {found.kind === 'none' ? <p className="muted">{t('receipt.none')}</p> : null}
        {found.kind === 'unavailable' ? (
          <p className="muted">
            {t('receipt.unavailable')} <span lang="en">({found.detail})</span>
          </p>
        ) : null}
      </div>
      {found.kind === 'bad' ? (
        <div role="alert" className="record-alarm">
          <h3>
            <span aria-hidden="true">⚠ </span>
            {t('receipt.badTitle')}
          </h3>
          <p>{t('receipt.bad')}</p>
          <p lang="en">{found.detail}</p>
        </div>
      ) : null}
      {found.kind === 'ok' ? (
        <>
          {/* Paragraphs, not a list of terms: the receipt's own facts above are the page's one description list. */}
          <p>
            <strong>{t('receipt.index')}:</strong> {t('receipt.indexValue', { index: fmt.number(found.index), size: fmt.number(found.size) })}
          </p>
          <p>
            <strong>{t('receipt.signedBy')}:</strong>{' '}
            {found.entry.enteredBy === 'unit' ? (found.ownKey ? t('receipt.ownKeyHere') : t('receipt.unitKey')) : t('receipt.officeKey')}{' '}
            <code className="record-hash">{found.entry.keyId}</code>
          </p>
          <p className="ok">
            <span aria-hidden="true">✓ </span>
            {t('receipt.verified', { index: fmt.number(found.index) })}
          </p>
        </>
      ) : null}
      {found.kind !== 'none' ? download : null}
    </section>
  );
}
