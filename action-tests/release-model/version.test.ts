import { ConfigurationError } from '@alt-las/action-kit';
import { compareSemver, deriveVersion, highestRelease, parseSemver } from '@alt-las/release-model';

const SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b';

describe('deriveVersion', () => {
  test.each([
    // ref, highest released, expected version, expected tags
    ['refs/tags/v1.2.3', '1.2.2', '1.2.3', ['1.2.3', '1.2', '1', 'latest', 'sha-9f86d08']],
    ['refs/tags/v1.2.3', '1.3.0', '1.2.3', ['1.2.3', '1.2', '1', 'sha-9f86d08']],
    ['refs/tags/v1.2.3', '1.2.3', '1.2.3', ['1.2.3', '1.2', '1', 'latest', 'sha-9f86d08']],
    ['refs/tags/v1.2.3-rc.1', '1.0.0', '1.2.3-rc.1', ['1.2.3-rc.1', 'sha-9f86d08']],
    ['refs/tags/v0.1.0', undefined, '0.1.0', ['0.1.0', '0.1', '0', 'sha-9f86d08']],
    ['refs/tags/1.2.3', '0.9.0', '1.2.3', ['1.2.3', '1.2', '1', 'latest', 'sha-9f86d08']],
    ['v1.2.3+build.7', '1.2.3', '1.2.3', ['1.2.3', '1.2', '1', 'latest', 'sha-9f86d08']],
    ['refs/heads/main', '1.0.0', 'sha-9f86d08', ['sha-9f86d08']],
  ])('%s (highest %s) -> %s', (ref, highest, version, tags) => {
    const derived = deriveVersion(ref, { sha: SHA, highestReleased: highest });
    expect(derived.version).toBe(version);
    expect(derived.tags).toEqual(tags);
  });

  test('a prerelease never takes latest, even when it is the highest version', () => {
    expect(deriveVersion('v2.0.0-beta.1', { highestReleased: '1.0.0' }).tags).toEqual(['2.0.0-beta.1']);
    expect(deriveVersion('v2.0.0-beta.1', { latest: true }).tags).toEqual(['2.0.0-beta.1']);
  });

  test('latest can be forced either way', () => {
    expect(deriveVersion('v1.0.0', { latest: true }).tags).toContain('latest');
    expect(deriveVersion('v1.0.0', { latest: false, highestReleased: '0.1.0' }).tags).not.toContain('latest');
  });

  test.each([
    ['refs/tags/v1.2', 'tag "v1.2" is not a semantic version'],
    ['refs/tags/vfoo', 'tag "vfoo" is not a semantic version'],
    ['refs/tags/V1.2.3', 'tag "V1.2.3" is not a semantic version'],
    ['refs/tags/v01.2.3', 'tag "v01.2.3" is not a semantic version'],
  ])('%s is refused', (ref, message) => {
    const error = (() => {
      try {
        deriveVersion(ref, { sha: SHA });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.message).toContain(message);
    expect(error?.message).toContain('expected v<major>.<minor>.<patch>');
  });

  test('upper-case prerelease identifiers are kept, image names are lower-cased elsewhere', () => {
    expect(deriveVersion('v1.0.0-RC.1').version).toBe('1.0.0-RC.1');
  });

  test('a branch build without a commit SHA cannot be named', () => {
    expect(() => deriveVersion('refs/heads/main')).toThrow('not a version tag');
  });
});

test('semver precedence follows the specification', () => {
  const order = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.10.0',
    '2.0.0',
  ];
  const shuffled = [...order].reverse();
  expect(
    shuffled
      .map((v) => parseSemver(v)!)
      .sort(compareSemver)
      .map((v) =>
        v.prerelease.length
          ? `${v.major}.${v.minor}.${v.patch}-${v.prerelease.join('.')}`
          : `${v.major}.${v.minor}.${v.patch}`,
      ),
  ).toEqual(order);
});

test('highestRelease ignores prereleases and non-version tags', () => {
  expect(highestRelease(['1.2.0', 'latest', '1.10.0', '2.0.0-rc.1', 'sha-abc1234', 'v1.9.9'])).toMatchObject({
    major: 1,
    minor: 10,
    patch: 0,
  });
  expect(highestRelease(['latest'])).toBeUndefined();
});
