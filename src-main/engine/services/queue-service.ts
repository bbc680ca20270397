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
    return this.#repo.stats();
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
