import type { ToolRelease } from '@alt-las/action-kit';

/** Trivy's release asset suffix for a runner (RUNNER_OS / RUNNER_ARCH). */
export function trivyPlatform(
  os = process.env.RUNNER_OS ?? 'Linux',
  arch = process.env.RUNNER_ARCH ?? 'X64',
): string {
  const osName = { Linux: 'Linux', macOS: 'macOS' }[os];
  const archName = { X64: '64bit', ARM64: 'ARM64' }[arch];
  if (!osName || !archName) {
    throw new Error(
      `Trivy releases have no build for ${os}/${arch}; run on a Linux or macOS runner (X64 or ARM64)`,
    );
  }
  return `${osName}-${archName}`;
}

/**
 * The release tarball and checksums file of one Trivy version, laid out as on the project's release
 * page (or a mirror of it): `<base>/v<version>/trivy_<version>_<platform>.tar.gz`.
 */
export function trivyRelease(options: {
  version: string;
  baseUrl: string;
  sha256?: string;
  platform?: string;
}): ToolRelease {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/v${options.version}`;
  const platform = options.platform ?? trivyPlatform();
  return {
    name: 'trivy',
    version: options.version,
    url: `${base}/trivy_${options.version}_${platform}.tar.gz`,
    checksumsUrl: `${base}/trivy_${options.version}_checksums.txt`,
    sha256: options.sha256 || undefined,
    format: 'tar.gz',
    executable: 'trivy',
  };
}
