/**
 * The little of oidc-provider's API the OIDC tests use (the package ships no types and no
 * new dependency may be added for them).
 */
declare module 'oidc-provider' {
  import type { Server } from 'node:http';

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    listen(port: number, host?: string): Server;
  }
}
