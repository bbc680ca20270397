export { JobQueue, type JobContext, type JobHandler, type JobHandlers, type JobEvent, type QueueEvents, type EnqueueOptions, type JobQueueOptions } from './queue.ts';
export { jobDataSchemas, subjectFor, type JobData } from './kinds.ts';
export { PermanentJobError } from './errors.ts';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
export { Emitter } from './emitter.ts';
export { assertHandlerRegistry } from './registry.ts';
export { SpacePauses } from './space-pauses.ts';
export { StageMeter, type StageFigures, type StageReport } from './stage-meter.ts';
