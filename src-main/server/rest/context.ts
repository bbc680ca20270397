import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Api } from '../../contract/index.ts';
import type { DispatchLog } from '../../engine/api/dispatch.ts';
import type { RestPort } from '../../engine/engine.ts';
import type { Caller } from './bearer.ts';
import type { PhotoEventLog } from './photo-event-log.ts';

export type RestLimits = {
  /** The largest photo an upload may carry, in bytes. */
  maxUploadBytes: number;
};

/** One gigabyte: a large RAW or TIFF fits, a runaway stream does not fill the disk. */
export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** What every REST route is handed. */
export type RestContext = {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The `{id}` of the route's path, when it has one (a positive integer, else the router answered 404). */
  id: number;
  caller: Caller;
  api: Api;
  rest: RestPort;
  limits: RestLimits;
  log: DispatchLog;
  /** The server's photo status changes (started by the first event-stream client). */
  events: () => PhotoEventLog;
  /** Sends `100 Continue` to a client that waits for it (curl with a large body): call before reading the body. */
  proceed(): void;
};
