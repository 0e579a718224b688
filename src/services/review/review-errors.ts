/** Errors the review routes turn into HTTP answers. */
export class ReviewError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ReviewError';
  }
}
