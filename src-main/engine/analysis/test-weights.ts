import { verifyModel } from './model-manifest.ts';

/**
 * For tests that need real weights: `npm test` fetches them first (the fetch `npm start` runs), so
 * missing or damaged weights are a failure with the fix in the message, never a skip.
 */
export async function requireWeights(...ids: string[]): Promise<void> {
  for (const id of ids) {
    const check = await verifyModel(id);
    if (!check.ok) throw new Error(`${check.message} (\`npm test\` fetches them first; here, run \`npm run models\`.)`);
  }
}
