import { json } from '../http.ts';
import { MEDIA_TYPES } from '../media-types.ts';
import type { Route } from '../router.ts';
import { userDto } from '../dto.ts';

/** The version the observations in docs/IMMICH-API.md were made against. */
export const SERVER_VERSION = { major: 3, minor: 1, patch: 0 } as const;

// Observed on v3.1.0 with machine learning off and a config file.
const FEATURES = {
  smartSearch: false, facialRecognition: false, duplicateDetection: false, map: true, reverseGeocoding: true, importFaces: false,
  sidecar: true, search: true, trash: true, oauth: false, oauthAutoLaunch: false, ocr: false, passwordLogin: true, configFile: true,
  email: false, realtimeTranscoding: false,
};

export const serverInfoRoutes: Route[] = [
  { method: 'GET', path: '/server/ping', permission: false, handle: () => json(200, { res: 'pong' }) },
  { method: 'GET', path: '/server/version', permission: false, handle: () => json(200, { ...SERVER_VERSION, prerelease: null }) },
  { method: 'GET', path: '/server/media-types', permission: false, handle: () => json(200, structuredClone(MEDIA_TYPES)) },
  { method: 'GET', path: '/server/features', permission: false, handle: () => json(200, { ...FEATURES }) },
  {
    method: 'GET',
    path: '/api-keys/me',
    permission: 'authenticated',
    handle({ auth }) {
      const key = auth.key!;
      return json(200, { id: key.id, name: key.name, createdAt: key.createdAt, updatedAt: key.createdAt, permissions: [...key.permissions] });
    },
  },
  { method: 'GET', path: '/users/me', permission: 'user.read', handle: ({ auth }) => json(200, { ...userDto(auth.user), isAdmin: true }) },
];
