import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * For tests: a copy of the tfjs graph at `jsonPath` (with its shard) in `dir`, where one Sigmoid is
 * renamed to an op the converter does not know. Returns the copy's model.json path.
 */
export async function unknownOpGraph(jsonPath: string, dir: string): Promise<string> {
  const json = JSON.parse(await readFile(jsonPath, 'utf8')) as { modelTopology: { node: Array<{ op: string }> }; weightsManifest: Array<{ paths: string[] }> };
  json.modelTopology.node.find((n) => n.op === 'Sigmoid')!.op = 'Erf';
  const odd = path.join(dir, 'odd.json');
  await writeFile(odd, JSON.stringify(json));
  for (const p of json.weightsManifest.flatMap((g) => g.paths)) await copyFile(path.join(path.dirname(jsonPath), path.basename(p)), path.join(dir, path.basename(p)));
  return odd;
}
