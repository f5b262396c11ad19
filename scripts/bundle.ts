// Bundles each action with ncc into dist/<name>/ (index.js, source map, licenses).
// `npm run bundle -- <name> ...` bundles only the named actions; `--out DIR` writes elsewhere (the dist check).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTIONS, repoRoot, type ActionName } from '../action-tests/harness/paths';

export function bundleAction(action: ActionName, outRoot: string): void {
  const out = path.join(outRoot, action);
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js'),
      'build',
      path.join(repoRoot, 'actions', action, 'src', 'index.ts'),
      '--out',
      out,
      '--source-map',
      '--license',
      'licenses.txt',
      '--minify',
      '--quiet',
      // Types are checked once for the whole project by `npm run build`.
      '--transpile-only',
      '--target',
      'es2022',
    ],
    { cwd: repoRoot, stdio: 'inherit' },
  );
}

function main(argv: string[]): void {
  const outIndex = argv.indexOf('--out');
  const outRoot = outIndex >= 0 ? path.resolve(argv[outIndex + 1]!) : path.join(repoRoot, 'dist');
  const names = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--out');
  const unknown = names.filter((name) => !(ACTIONS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`unknown action(s): ${unknown.join(', ')}; expected ${ACTIONS.join(', ')}`);
  for (const action of names.length > 0 ? (names as ActionName[]) : ACTIONS) {
    if (!fs.existsSync(path.join(repoRoot, 'actions', action, 'src', 'index.ts'))) continue;
    bundleAction(action, outRoot);
    const size = fs.statSync(path.join(outRoot, action, 'index.js')).size;
    console.log(`${action}: ${(size / 1024).toFixed(0)} KiB`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(repoRoot, 'scripts', 'bundle.ts')) {
  main(process.argv.slice(2));
}
