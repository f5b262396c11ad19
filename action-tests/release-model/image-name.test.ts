import { imageRepository, parseImageReference } from '@alt-las/release-model';

test('image repositories are lower-cased and validated', () => {
  expect(imageRepository('GHCR.io', 'Alt-LAS', 'alt-las-api-gateway')).toBe(
    'ghcr.io/alt-las/alt-las-api-gateway',
  );
  expect(imageRepository('127.0.0.1:5000', 'team', 'svc')).toBe('127.0.0.1:5000/team/svc');
  expect(() => imageRepository('ghcr.io', 'bad owner', 'svc')).toThrow(
    '"bad owner" must be lower-case letters',
  );
});

test.each([
  ['ghcr.io/o/app:1.0.0', { registry: 'ghcr.io', path: 'o/app', tag: '1.0.0' }],
  ['127.0.0.1:5000/o/app@sha256:abc', { registry: '127.0.0.1:5000', path: 'o/app', digest: 'sha256:abc' }],
  [
    'localhost:5000/app:1.0.0@sha256:abc',
    { registry: 'localhost:5000', path: 'app', tag: '1.0.0', digest: 'sha256:abc' },
  ],
  ['nginx', { registry: 'docker.io', path: 'library/nginx' }],
  ['team/app:2', { registry: 'docker.io', path: 'team/app', tag: '2' }],
])('parseImageReference(%s)', (reference, expected) => {
  expect(parseImageReference(reference)).toEqual({ tag: undefined, digest: undefined, ...expected });
});
