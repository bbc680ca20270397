import { ApiError, type DeadLetter, type QueueStats } from '../../contract/index.ts';
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
}
