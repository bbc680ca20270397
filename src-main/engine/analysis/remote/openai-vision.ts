import { z } from 'zod';
import { AnalysisError } from '../analysis-error.ts';

/**
 * Captions from an OpenAI-compatible chat/completions endpoint (any vendor or a local server that
 * speaks that shape): one user message with the instruction and the photo as a JPEG data URL.
 * Errors never carry the API key or the request body (which holds the photo).
 */

export type RemoteRequest = {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  jpeg: Buffer;
  timeoutMs: number;
  prompt?: string;
  maxTokens?: number;
};

const DEFAULT_PROMPT = 'Write one short, factual caption (at most 20 words) for this photo. No preamble.';

const Reply = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

export async function remoteCaption(req: RemoteRequest): Promise<{ text: string; model: string }> {
  const url = `${req.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const body = {
    model: req.model,
    max_tokens: req.maxTokens ?? 80,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: req.prompt ?? DEFAULT_PROMPT },
          { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${req.jpeg.toString('base64')}` } },
        ],
      },
    ],
  };
  const fail = (why: string) => new AnalysisError('remote-failed', `The caption service at ${new URL(url).origin} ${why}; Lightbox used its local analysis instead.`);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(req.apiKey ? { authorization: `Bearer ${req.apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    throw fail(name === 'TimeoutError' || name === 'AbortError' ? `did not answer within ${req.timeoutMs} ms` : 'could not be reached');
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw fail(`answered HTTP ${res.status}${res.status === 401 || res.status === 403 ? ' (check LIGHTBOX_VISION_KEY)' : ''}`);
  }
  let reply: z.infer<typeof Reply>;
  try {
    reply = Reply.parse(await res.json());
  } catch {
    throw fail('sent a reply that is not a chat completion');
  }
  const text = reply.choices[0]!.message.content?.trim() ?? '';
  if (!text) throw fail('sent an empty caption');
  return { text: text.slice(0, 500), model: reply.model ?? req.model };
}
