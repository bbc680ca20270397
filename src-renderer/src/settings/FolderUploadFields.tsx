import { UploadCover, UploadWhat, type FolderUploadSettings } from '../contract.ts';

const WHAT_TEXT: Record<UploadWhat, string> = {
  both: 'Original and processed, stacked',
  processed: 'Processed only',
  original: 'Original only',
  none: 'Nothing (keep it in Lightbox)',
};
const COVER_TEXT: Record<UploadCover, string> = { processed: 'Processed version', original: 'Original' };

type Props = { folderId: number; settings: FolderUploadSettings | null; onChange(patch: Partial<FolderUploadSettings>): void };

/** What a folder's photos send to Immich: which files, into which album, and only once approved or not. */
export function FolderUploadFields({ folderId, settings, onChange }: Props) {
  const id = (name: string) => `folder-${folderId}-upload-${name}`;
  return (
    <fieldset className="policy-group upload-group" disabled={settings === null}>
      <legend>Upload to Immich</legend>
      {settings === null ? (
        <p className="muted policy-hint">Loading…</p>
      ) : (
        <>
          <div className="upload-row">
            <label htmlFor={id('what')}>Upload</label>
            <select id={id('what')} value={settings.what} onChange={(e) => onChange({ what: UploadWhat.parse(e.target.value) })}>
              {UploadWhat.options.map((what) => (
                <option key={what} value={what}>
                  {WHAT_TEXT[what]}
                </option>
              ))}
            </select>
          </div>
          {settings.what !== 'none' && (
            <>
              <div className="upload-row">
                <label htmlFor={id('album')}>Album</label>
                <input
                  id={id('album')}
                  type="text"
                  maxLength={200}
                  placeholder="No album"
                  value={settings.albumName ?? ''}
                  onChange={(e) => onChange({ albumName: e.target.value.trim() === '' ? null : e.target.value })}
                />
              </div>
              {settings.what === 'both' && (
                <div className="upload-row">
                  <label htmlFor={id('cover')}>Stack cover</label>
                  <select id={id('cover')} value={settings.cover} onChange={(e) => onChange({ cover: UploadCover.parse(e.target.value) })}>
                    {UploadCover.options.map((cover) => (
                      <option key={cover} value={cover}>
                        {COVER_TEXT[cover]}
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <label className="upload-check">
                <input type="checkbox" checked={settings.approvalRequired} onChange={(e) => onChange({ approvalRequired: e.target.checked })} /> Only after I approve the photo
              </label>
              <p className="muted policy-hint">The album is created in Immich when it does not exist. The server is set under Immich below.</p>
            </>
          )}
        </>
      )}
    </fieldset>
  );
}
