import { useState, type FormEvent } from 'react';
import type { ApiToken, ApiTokenCreated, ApiTokenScope } from '../contract.ts';
import type { Transport } from '../transport/index.ts';
import { useLightbox } from '../store.ts';
import { errorText, useEngineValue } from './use-engine.ts';
import { FormError } from '../components/FormError.tsx';

const SCOPE_TEXT: Record<ApiTokenScope, string> = { read: 'Read only', full: 'Full access' };

/** Where scripts reach this server: the page's own origin in a browser; the default port in the app. */
function apiOrigin(): string {
  return window.location.protocol.startsWith('http') ? window.location.origin : 'http://127.0.0.1:7420';
}

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : 'never';
}

/** The new token's secret, shown this once: the engine keeps only its hash. */
function NewSecret({ created, onDone }: { created: ApiTokenCreated; onDone(): void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = () => {
    navigator.clipboard.writeText(created.secret).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  };
  return (
    <div className="token-secret" role="region" aria-label="New token">
      <p className="token-secret-head">
        Copy the token <strong>{created.token.name}</strong> now: it is not shown again.
      </p>
      <div className="token-secret-row">
        <input className="mono" type="text" readOnly value={created.secret} aria-label="Token" onFocus={(e) => e.target.select()} spellCheck={false} />
        <button type="button" className="button" onClick={copy}>
          Copy
        </button>
      </div>
      {copied === 'yes' && <span className="ok" role="status">Copied</span>}
      {copied === 'failed' && <span className="field-note">Copying is not allowed here: select the token and copy it yourself.</span>}
      <p className="field-note">Try it:</p>
      <pre className="token-example">{`curl -H "Authorization: Bearer ${created.secret}" ${apiOrigin()}/api/v1/photos`}</pre>
      <div className="form-actions">
        <button type="button" className="button primary" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </div>
  );
}

function TokenRow({ token, transport, onRevoked }: { token: ApiToken; transport: Transport; onRevoked(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const revoke = () => {
    setBusy(true);
    setError(null);
    transport
      .call('apiTokens.revoke', { id: token.id })
      .then(onRevoked, (caught: unknown) => setError(errorText(caught, 'The token could not be revoked. Try again.')))
      .finally(() => {
        setBusy(false);
        setConfirming(false);
      });
  };
  const revoked = token.revokedAt !== null;
  return (
    <li className="api-token" data-revoked={revoked}>
      <div className="api-token-head">
        <span className="api-token-name">{token.name}</span>
        <span className="model-state">{SCOPE_TEXT[token.scope]}</span>
        <span className="mono muted">{token.prefix}…</span>
        {!revoked && !confirming && (
          <button type="button" className="button quiet api-token-action" onClick={() => setConfirming(true)}>
            Revoke
          </button>
        )}
      </div>
      <p className="field-note">
        Created {when(token.createdAt)} · last used {when(token.lastUsedAt)}
        {revoked && <> · revoked {when(token.revokedAt)}</>}
      </p>
      {confirming && (
        <div className="confirm" role="group" aria-label={`Revoke ${token.name}`}>
          <span>Revoke “{token.name}”? Scripts using it are refused from now on.</span>
          <div className="form-actions">
            <button type="button" className="button danger" disabled={busy} onClick={revoke}>
              Revoke token
            </button>
            <button type="button" className="button quiet" disabled={busy} onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        </div>
      )}
      <FormError message={error} />
    </li>
  );
}

/** Named tokens for the REST API: created with a scope, the secret shown once, revocable. */
export function ApiTokensCard({ transport }: { transport: Transport }) {
  const tokens = useEngineValue<ApiToken[]>(transport, () => transport.call('apiTokens.list', {}), 'The API tokens could not be read.');
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiTokenScope>('read');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);

  const create = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    transport
      .call('apiTokens.create', { name: name.trim(), scope })
      .then(
        (made) => {
          setCreated(made);
          setName('');
          tokens.reload();
        },
        (caught: unknown) => setError(errorText(caught, 'The token could not be created. Try again.')),
      )
      .finally(() => setBusy(false));
  };

  const list = tokens.value ?? [];
  const desktop = useLightbox((s) => s.appInfo?.mode) === 'electron';
  return (
    <section className="card settings-card" aria-labelledby="api-tokens-title">
      <h2 id="api-tokens-title">API tokens</h2>
      <p className="muted">
        Scripts and other apps drive Lightbox over its REST API at <span className="mono">{apiOrigin()}/api/v1</span> (described in{' '}
        <span className="mono">/api/v1/openapi.json</span>), sending a token as <span className="mono">Authorization: Bearer …</span>. A read-only token can
        follow photos and download processed files; full access also uploads, approves, rejects and changes recipes.
      </p>
      {desktop && (
        <p className="field-note">The desktop app serves no API itself: the tokens made here work with `lightbox serve` on this library, once the app is closed (a library is open in one Lightbox at a time).</p>
      )}
      {created ? (
        <NewSecret created={created} onDone={() => setCreated(null)} />
      ) : (
        <form className="token-form" onSubmit={create} aria-label="New API token">
          <label className="field">
            <span>Name</span>
            <input type="text" value={name} placeholder="e.g. NAS import script" maxLength={100} spellCheck={false} autoComplete="off" onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="field">
            <span>Access</span>
            <select value={scope} onChange={(e) => setScope(e.target.value as ApiTokenScope)}>
              <option value="read">{SCOPE_TEXT.read}</option>
              <option value="full">{SCOPE_TEXT.full}</option>
            </select>
          </label>
          <button type="submit" className="button primary" disabled={busy || name.trim() === ''}>
            Create token
          </button>
        </form>
      )}
      <FormError message={error ?? tokens.error} />
      {list.length === 0 ? (
        <p className="field-note">No tokens yet.</p>
      ) : (
        <ul className="api-token-list" aria-label="API tokens">
          {list.map((token) => (
            <TokenRow key={token.id} token={token} transport={transport} onRevoked={tokens.reload} />
          ))}
        </ul>
      )}
    </section>
  );
}
