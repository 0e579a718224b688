/** Compliance domain: the control catalogue, evidence statuses and report periods. */
export * from './catalogue.js';
export * from './period.js';
export * from './status.js';
