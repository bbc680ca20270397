export { createHttpServer, type HttpServerOptions, type RunningHttpServer } from './http-server.ts';
export type { ResolveMedia } from './media-route.ts';
