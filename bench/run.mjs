// `npm run bench [-- name...]`: runs the named benchmarks (default: all) on the project's Node 22.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const all = ['ingest', 'analysis', 'analysis-photo', 'enhance', 'render', 'upload', 'ui', 'search', 'photo-list', 'rest-upload', 'verify', 'pipeline'];
// Known benchmark names select; everything else (`--seconds 30`) is passed to each benchmark.
const wanted = process.argv.slice(2).filter((a) => all.includes(a));
const flags = process.argv.slice(2).filter((a) => !all.includes(a));
const node = path.resolve(import.meta.dirname, '..', 'node_modules', '.bin', 'node');
for (const name of wanted.length ? wanted : all) {
  const result = spawnSync(node, [path.join(import.meta.dirname, `${name}.ts`), ...flags], { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = 1;
}
