import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ImmichSettings, ImmichStatus, ImmichTestResult, UploadTotals } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { ImmichStatusLine, UploadTotalsRow } from './ImmichStatusLine.tsx';
import { errorText, useEngineValue } from './use-engine.ts';
import { FormError } from '../components/FormError.tsx';

type Busy = null | 'save' | 'test' | 'off';

/** A URL the engine will accept: checked here so the message says what to type, not what a schema said. */
function urlProblem(text: string): string | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'The address must start with http:// or https://.';
  } catch {
    return 'Enter the server address, e.g. https://photos.example.com.';
  }
}

/** Server, key, Test, live connection state and upload totals (issue 5's settings). */
export function ImmichCard({ transport }: { transport: Transport }) {
  const settings = useEngineValue<ImmichSettings>(transport, () => transport.call('immich.settings.get', {}), 'The Immich settings could not be read.');
  const status = useEngineValue<ImmichStatus>(transport, () => transport.call('immich.status', {}), 'The upload status could not be read.');
  const [totals, setTotals] = useState<UploadTotals | null>(null);
  const [url, setUrl] = useState('');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<ImmichTestResult | null>(null);
  const stored = settings.value;

  // The stored address fills the field when it is known, unless the user already typed there
  // (the first read can land after someone started typing).
  const typed = useRef(false);
  useEffect(() => {
    if (stored && !typed.current) setUrl(stored.serverUrl ?? '');
  }, [stored]);
  const setStatus = status.set;
  useEffect(() => transport.on('immich.status', setStatus), [transport, setStatus]);
  useEffect(() => transport.on('upload.totals', setTotals), [transport]);

  const run = async (what: Busy, work: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    setSaved(false);
    try {
      await work();
    } catch (caught) {
      setError(errorText(caught, 'Lightbox could not reach its engine. Try again.'));
    } finally {
      setBusy(null);
    }
  };

  const serverUrl = url.trim();
  const apiKey = key.trim();
  const problem = serverUrl === '' ? null : urlProblem(serverUrl);
  const keyMissing = apiKey === '' && !(stored?.hasApiKey && stored.serverUrl === serverUrl);

  const save = (event: FormEvent) => {
    event.preventDefault();
    void run('save', async () => {
      const answer = await transport.call('immich.settings.set', { serverUrl, ...(apiKey ? { apiKey } : {}) });
      settings.set(answer.settings);
      setTest(answer.test);
      setKey('');
      typed.current = false;
      setSaved(true);
      status.reload();
    });
  };
  const runTest = () =>
    void run('test', async () => {
      setTest(null);
      setTest(await transport.call('immich.test', { serverUrl, ...(apiKey ? { apiKey } : {}) }));
    });
  const turnOff = () =>
    void run('off', async () => {
      const answer = await transport.call('immich.settings.set', { serverUrl: null });
      settings.set(answer.settings);
      setTest(null);
      status.reload();
    });

  const canSend = busy === null && serverUrl !== '' && problem === null && !keyMissing;
  return (
    <section className="card settings-card" aria-labelledby="immich-title">
      <h2 id="immich-title">Immich</h2>
      <p className="muted">Approved photos are uploaded to your Immich server: the original and the processed file as one stack. Which folders upload, and to which album, is set per watched folder.</p>
      <form className="settings-form" onSubmit={save} aria-label="Immich server">
        <label className="field">
          <span>Server address</span>
          <input type="url" value={url} placeholder="https://photos.example.com" spellCheck={false} autoComplete="off" onChange={(e) => {
              typed.current = true;
              setUrl(e.target.value);
            }}
          />
        </label>
        <label className="field">
          <span>API key</span>
          <input
            type="password"
            value={key}
            autoComplete="off"
            placeholder={stored?.hasApiKey ? 'A key is stored (leave empty to keep it)' : 'Immich: Account settings > API keys'}
            onChange={(e) => setKey(e.target.value)}
          />
        </label>
        {stored?.hasApiKey && (
          <p className="field-note" data-testid="key-stored">
            A key is stored for {stored.serverUrl}. It is never shown again; type a new one to replace it.
          </p>
        )}
        {problem && <p className="field-note warn">{problem}</p>}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={!canSend}>
            {busy === 'save' ? 'Checking…' : 'Save'}
          </button>
          <button type="button" className="button" disabled={!canSend} onClick={runTest}>
            {busy === 'test' ? 'Testing…' : 'Test'}
          </button>
          {saved && (
            <span className="ok" role="status">
              Saved
            </span>
          )}
          <span className="spacer" />
          {stored?.serverUrl && (
            <button type="button" className="button quiet" disabled={busy !== null} onClick={turnOff}>
              Stop uploading
            </button>
          )}
        </div>
        <FormError message={error} />
      </form>
      {test && <TestResult result={test} />}
      {settings.error && <p className="form-error">{settings.error}</p>}
      <ImmichStatusLine transport={transport} status={status.value} error={status.error} onChange={status.set} />
      {status.value?.configured && <UploadTotalsRow status={status.value} totals={totals} />}
    </section>
  );
}

function TestResult({ result }: { result: ImmichTestResult }) {
  return (
    <div className="test-result" role="status" aria-label="Test result" data-ok={result.ok}>
      <p className="test-summary">{result.ok ? `Connected to Immich ${result.version ?? ''}`.trim() : 'The server did not pass every check'}</p>
      <ul className="checks-list">
        {result.checks.map((check) => (
          <li key={check.name} data-ok={check.ok}>
            <span className="check-mark" aria-hidden="true">
              {check.ok ? '✓' : '✕'}
            </span>
            <span className="check-name">{CHECK_NAMES[check.name]}</span> {check.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

const CHECK_NAMES: Record<ImmichTestResult['checks'][number]['name'], string> = {
  reachable: 'Server',
  version: 'Version',
  auth: 'API key',
  permissions: 'Permissions',
};
