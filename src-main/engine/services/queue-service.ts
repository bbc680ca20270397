import { ApiError, type DeadLetter, type FailureGroupKey, type FailureGroupsOutput, type QueueStats } from '../../contract/index.ts';
import type { JobQueue } from '../jobs/index.ts';
import type { JobsRepo } from '../library/index.ts';

export class QueueService {
  #repo: JobsRepo;
  #queue: JobQueue;

  constructor(repo: JobsRepo, queue: JobQueue) {
    this.#repo = repo;
    this.#queue = queue;
  }

  stats(): QueueStats {
    return this.#queue.stats();
  }

  deadLetters(): DeadLetter[] {
    return this.#repo.deadLetters();
  }

  retry(id: number): void {
    if (!this.#repo.retry(id)) throw new ApiError('not-found', `Job ${id} is not in the dead-letter list.`);
    this.#queue.wake();
  }

  discard(id: number): void {
    if (!this.#repo.discard(id)) throw new ApiError('not-found', `Job ${id} is not in the dead-letter list.`);
  }

  /** The photo open in the loupe (null: none) goes ahead of the backlog in every stage. */
  focus(photoId: number | null): void {
    this.#queue.focus('open', photoId === null ? [] : [String(photoId)]);
  }

  /** A batch action's photos go ahead of the backlog (behind the open photo) until the next batch. */
  select(photoIds: number[]): void {
    this.#queue.focus('selection', photoIds.map(String));
  }

  /** The failed-jobs page: dead letters by kind and cause, largest group first. */
  failures(limit: number): FailureGroupsOutput {
    const groups = this.#repo.failureGroups(limit);
    return { groups, total: groups.reduce((sum, g) => sum + g.count, 0) };
  }

  /** A group already emptied (by another window, or a retry that succeeded) is an answer of 0, not an error. */
  retryGroup({ kind, code }: FailureGroupKey): { count: number } {
    return { count: this.#queue.retryGroup(kind, code) };
  }

  discardGroup({ kind, code }: FailureGroupKey): { count: number } {
    return { count: this.#queue.discardGroup(kind, code) };
  }
}
