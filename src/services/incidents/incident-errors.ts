/** Errors the incident routes turn into HTTP answers. */
export class IncidentError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 502 | 503,
    message: string,
  ) {
    super(message);
    this.name = 'IncidentError';
  }
}

export const notFound = (): IncidentError => new IncidentError(404, 'no such incident');
