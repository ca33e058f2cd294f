import type { ApiError } from '../../src-shared/api';

/** An error a service means the caller to see, with the typed code it crosses the boundary with. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(readonly code: ApiError['code'], message: string) {
    super(message);
  }
}
