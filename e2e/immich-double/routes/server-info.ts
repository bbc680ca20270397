import { json } from '../http.ts';
import type { Route } from '../router.ts';

/** The version the observations in docs/IMMICH-API.md were made against. */
export const SERVER_VERSION = { major: 3, minor: 1, patch: 0 } as const;

export const serverInfoRoutes: Route[] = [
  { method: 'GET', path: '/server/ping', permission: false, handle: () => json(200, { res: 'pong' }) },
  { method: 'GET', path: '/server/version', permission: false, handle: () => json(200, { ...SERVER_VERSION }) },
];
