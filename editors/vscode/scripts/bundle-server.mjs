// Builds bundled/: the vaultls server and its dependencies in bundled/libs, and the launcher
// bundled/tool/launch.py (from launcher/launch.py) that the extension runs as
// `python -I -S <extension>/bundled/tool/launch.py serve`; the launcher puts bundled/libs on
// sys.path itself (isolated mode ignores PYTHONPATH, and keeps the working folder off sys.path).
//
//   dependencies  from requirements.txt (hash-locked, wheels only, --no-deps), installed once per
//                 CPython 3.10-3.13 for this platform and merged: pure-Python files are the same
//                 for all, and the compiled modules (rpds-py, which jsonschema needs; PyYAML's and
//                 tomli's accelerators) sit side by side with their ABI in the file name
//                 (`rpds.cpython-312-x86_64-linux-gnu.so`), so each Python imports its own.
//   vaultls       copied from ../../server/vaultls (the package's source; no build backend needed)
//
// On a platform without a known wheel tag list (macOS, say) only the building Python's wheels
// are installed. Then checks that the bundle imports and answers `--version`, started as the
// extension starts it, with the building Python. Python: $VAULTLS_BUNDLE_PYTHON, else python3, else python.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const libs = join(root, 'bundled', 'libs');
const serverSource = resolve(root, '..', '..', 'server', 'vaultls');
const launcherSource = join(root, 'launcher', 'launch.py');
const launcher = join(root, 'bundled', 'tool', 'launch.py');

function findPython() {
    const candidates = process.env.VAULTLS_BUNDLE_PYTHON ? [process.env.VAULTLS_BUNDLE_PYTHON] : ['python3', 'python'];
    for (const candidate of candidates) {
        const result = spawnSync(candidate, ['-c', 'import sys; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
        if (result.status === 0 && result.stdout.trim() === 'True') {
            return candidate;
        }
    }
    throw new Error(`no Python 3.10+ found (tried ${candidates.join(', ')}); set VAULTLS_BUNDLE_PYTHON`);
}

function run(command, args, options = {}) {
    console.log(`$ ${[command, ...args].join(' ')}`);
    execFileSync(command, args, { stdio: 'inherit', ...options });
}

function removePycache(dir) {
    for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (!statSync(full).isDirectory()) {
            continue;
        }
        if (name === '__pycache__') {
            rmSync(full, { recursive: true, force: true });
        } else {
            removePycache(full);
        }
    }
}

const python = findPython();
if (!existsSync(join(serverSource, '__init__.py'))) {
    throw new Error(`the vaultls package is not at ${serverSource}`);
}

rmSync(join(root, 'bundled'), { recursive: true, force: true });
mkdirSync(libs, { recursive: true });

const PYTHON_VERSIONS = ['3.10', '3.11', '3.12', '3.13'];
// Wheel platform tags for this machine, newest first (pip wants them spelled out when it
// installs for another Python than its own).
const PLATFORM_TAGS = {
    'linux-x64': ['manylinux_2_28_x86_64', 'manylinux_2_17_x86_64', 'manylinux2014_x86_64', 'manylinux_2_5_x86_64', 'manylinux1_x86_64'],
    'linux-arm64': ['manylinux_2_28_aarch64', 'manylinux_2_17_aarch64', 'manylinux2014_aarch64'],
    'win32-x64': ['win_amd64'],
}[`${process.platform}-${process.arch}`];

const pipInstall = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--no-compile', '--no-deps', '--require-hashes', '--only-binary=:all:'];
const requirements = ['-r', join(root, 'requirements.txt')];
if (PLATFORM_TAGS) {
    const staging = join(root, 'bundled', 'staging');
    for (const version of PYTHON_VERSIONS) {
        const target = join(staging, version);
        const abi = `cp${version.replace('.', '')}`;
        run(python, [
            ...pipInstall,
            '--target', target,
            '--implementation', 'cp', '--python-version', version, '--abi', abi,
            ...PLATFORM_TAGS.flatMap((tag) => ['--platform', tag]),
            ...requirements,
        ]);
        cpSync(target, libs, { recursive: true, force: true });
    }
    rmSync(staging, { recursive: true, force: true });
} else {
    console.warn(`no wheel tags known for ${process.platform}-${process.arch}: bundling for the building Python only`);
    run(python, [...pipInstall, '--target', libs, ...requirements]);
}

cpSync(serverSource, join(libs, 'vaultls'), {
    recursive: true,
    filter: (source) => !source.includes('__pycache__') && !source.endsWith('.pyc'),
});

mkdirSync(dirname(launcher), { recursive: true });
copyFileSync(launcherSource, launcher);

// Console scripts that pip writes point at the building Python; the extension does not use them.
rmSync(join(libs, 'bin'), { recursive: true, force: true });
removePycache(libs);

// The bundle must work as the extension starts it: isolated (-I, so no PYTHONPATH: the launcher
// finds bundled/libs itself) and without site-packages (-S).
const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
const imports = 'import vaultls, pygls, lsprotocol, frontmatter, yaml, cattrs, attrs, tomli, exceptiongroup, typing_extensions, jsonschema, referencing';
run(python, ['-I', '-S', '-B', '-c', `import sys; sys.path.insert(0, ${JSON.stringify(libs)}); ${imports}`], { env, cwd: root });
if (process.env.VAULTLS_BUNDLE_SKIP_CHECK !== '1') {
    run(python, ['-I', '-S', '-B', launcher, '--version'], { env, cwd: root });
}
console.log(`bundled the vaultls server into ${libs}`);
