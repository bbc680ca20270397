import { ExportMetadata } from '../contract.ts';

const CHOICE_TEXT: Record<ExportMetadata, string> = {
  all: 'All of it',
  'no-location': 'All but the location (no GPS, no place names)',
  copyright: 'Only copyright and contact details',
};

/** A watched folder's choice of what its photos' processed files keep (a preset's Output step can say otherwise). */
export function FolderExportMetadataField({ folderId, value, onChange }: { folderId: number; value: ExportMetadata; onChange(value: ExportMetadata): void }) {
  const id = `folder-${folderId}-export-metadata`;
  return (
    <label className="field" htmlFor={id}>
      <span>Metadata the processed files keep</span>
      <select id={id} value={value} onChange={(e) => onChange(ExportMetadata.parse(e.target.value))}>
        {ExportMetadata.options.map((option) => (
          <option key={option} value={option}>
            {CHOICE_TEXT[option]}
          </option>
        ))}
      </select>
    </label>
  );
}
