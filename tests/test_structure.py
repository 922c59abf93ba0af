"""The package's import structure: no cycles, imports point one way, no package-internal imports inside functions
(except in command-line modules), pretrained-network libraries imported only by `encoders`, and no unused imports."""
import ast, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / 'threed_imagenet'

# Lower layers first; a module may import only modules of its own or an earlier layer (DESIGN.md "data flows one way").
LAYERS = [
    ['threed_imagenet', 'core'], ['cameras'], ['rays'], ['triplane'], ['depthreg'], ['render'], ['viz'], ['synth'], ['data'],
    ['encoders'], ['nets'], ['stylegan'], ['losses'], ['metrics'], ['train'], ['gan'], ['bench', 'demo'],
    ['methods'],                                      # every methods.* module (a method may build on another one)
    ['cli', '__main__'],
]
PRETRAINED_LIBS = ('timm', 'open_clip', 'lpips', 'transformers')   # pretrained networks are loaded in `encoders` only
CLI_MODULES = ('cli', '__main__')                                   # lazy command dispatch may import inside functions


def _modules() -> dict:
    out = {}
    for p in PKG.rglob('*.py'):
        if p.name == '_modidx.py': continue
        parts = p.relative_to(ROOT).with_suffix('').parts
        out['.'.join(parts[:-1] if parts[-1] == '__init__' else parts)] = p
    return out

MODS = _modules()

def _targets(cur: str, node) -> list:
    "Package modules an import statement names."
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = cur.split('.')
            if MODS[cur].name != '__init__.py': base = base[:-1]
            base = base[:len(base) - (node.level - 1)]
            m = '.'.join(base + ([node.module] if node.module else []))
        else: m = node.module or ''
        outs = [m] + [f'{m}.{a.name}' for a in node.names]
    else: outs = [a.name for a in node.names]
    return [o for o in outs if o in MODS and o != cur]

def _short(m: str) -> str: return m[len('threed_imagenet.'):] if m.startswith('threed_imagenet.') else m

def _layer(m: str) -> int:
    top = _short(m).split('.')[0]                     # a sub-package (methods.*, metrics.*) sits where its top name does
    for i, names in enumerate(LAYERS):
        if top in names: return i
    raise AssertionError(f'module {m} has no place in tests/test_structure.py LAYERS: add it where it belongs in the data flow')

def _edges() -> dict:
    return {m: {t for n in ast.walk(ast.parse(p.read_text())) if isinstance(n, (ast.Import, ast.ImportFrom)) for t in _targets(m, n)}
            for m, p in MODS.items()}


def test_every_module_has_a_layer():
    for m in MODS: _layer(m)


def test_imports_point_one_way():
    bad = [f'{_short(a)} -> {_short(b)}' for a, es in _edges().items() for b in es if _layer(b) > _layer(a)]
    assert not bad, 'upward imports (a lower layer importing a higher one): ' + ', '.join(sorted(bad))


def test_no_import_cycles():
    edges, seen, stack, cycles = _edges(), {}, [], []
    def visit(v):
        seen[v] = 1; stack.append(v)
        for w in edges.get(v, ()):
            if seen.get(w) == 1: cycles.append(stack[stack.index(w):] + [w])
            elif w not in seen: visit(w)
        stack.pop(); seen[v] = 2
    for v in edges:
        if v not in seen: visit(v)
    assert not cycles, 'import cycles: ' + '; '.join(' -> '.join(map(_short, c)) for c in cycles)


def test_no_internal_imports_inside_functions():
    bad = []
    for m, p in MODS.items():
        if m.split('.')[-1] in CLI_MODULES: continue
        for fn in ast.walk(ast.parse(p.read_text())):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                bad += [f'{_short(m)}:{fn.name}' for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom)) and _targets(m, n)]
    assert not bad, 'package-internal imports inside functions (import at the top of the module): ' + ', '.join(sorted(set(bad)))


def test_pretrained_networks_load_only_in_encoders():
    bad = []
    for m, p in MODS.items():
        if _short(m) == 'encoders': continue
        for n in ast.walk(ast.parse(p.read_text())):
            names = [a.name for a in n.names] if isinstance(n, ast.Import) else [n.module or ''] if isinstance(n, ast.ImportFrom) and not n.level else []
            bad += [f'{_short(m)} imports {x}' for x in names if x.split('.')[0] in PRETRAINED_LIBS]
    assert not bad, 'pretrained-network libraries outside encoders: ' + ', '.join(bad)


def test_no_unused_imports_or_names():
    pytest.importorskip('pyflakes')
    files = [str(p) for m, p in MODS.items() if p.name != '__main__.py']
    r = subprocess.run([sys.executable, '-m', 'pyflakes', *files], capture_output=True, text=True)
    assert r.returncode == 0, 'pyflakes (fix the notebook that exports the module, then nbdev_export):\n' + r.stdout + r.stderr


def test_no_module_over_500_lines():
    big = [(len(p.read_text().splitlines()), _short(m)) for m, p in MODS.items()]
    assert max(big)[0] <= 500, f'split the largest modules by responsibility: {sorted(big, reverse=True)[:3]}'
