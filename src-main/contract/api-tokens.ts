import { z } from 'zod';

/**
 * Named tokens for the REST API (scripts, a NAS automation, another app). Created in Settings,
 * the secret shown once and stored only as a hash, revocable. `read` may look (status, lists,
 * processed files, events); `full` may also upload, approve, reject and change recipes.
 */
export const ApiTokenScope = z.enum(['read', 'full']);
export type ApiTokenScope = z.infer<typeof ApiTokenScope>;

export const ApiToken = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  scope: ApiTokenScope,
  /** The secret's first characters (`lbx_` + 6), enough to tell tokens apart in a list or a log. */
  prefix: z.string(),
  createdAt: z.string(),
  /** Updated at most once a minute. */
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

/** The one answer that carries the secret: it is not stored anywhere it could be read back. */
export const ApiTokenCreated = z.object({ token: ApiToken, secret: z.string().startsWith('lbx_') });
export type ApiTokenCreated = z.infer<typeof ApiTokenCreated>;

export const ApiTokenCreateInput = z.object({ name: z.string().trim().min(1, 'Give the token a name.').max(100), scope: ApiTokenScope }).strict();

export const apiTokenCommands = {
  'apiTokens.list': { input: z.object({}).strict(), output: z.array(ApiToken) },
  'apiTokens.create': { input: ApiTokenCreateInput, output: ApiTokenCreated },
  /** A revoked token is refused at once; it stays listed (greyed) so its uploads keep a name. */
  'apiTokens.revoke': { input: z.object({ id: z.number().int().positive() }).strict(), output: ApiToken },
} as const;
