import { pathToFileURL } from 'node:url';

import { describe, expect, it } from 'vitest';

import { protoDir } from './grpc-load.js';

describe('proto files', () => {
  it('are found from src and from the compiled dist folder', () => {
    const src = new URL('./hubble-relay/x.js', import.meta.url).href;
    expect(protoDir(src, 'proto', 'observer.proto')).toMatch(
      /src[/\\]sources[/\\]hubble-relay[/\\]proto$/,
    );
    const dist = pathToFileURL(
      new URL('./goldmane/x.js', import.meta.url).pathname.replace('/src/', '/dist/'),
    ).href;
    expect(protoDir(dist, 'proto', 'goldmane.proto')).toMatch(
      /src[/\\]sources[/\\]goldmane[/\\]proto$/,
    );
    expect(() => protoDir(src, 'proto', 'nope.proto')).toThrow(/cannot find nope.proto/);
  });
});
