"""Generate README.md from index.ipynb (nbdev_readme needs Quarto, which is unavailable here).

Markdown cells are copied, code cells become ```python blocks, outputs and cells tagged `hide`
(or starting with `#| hide`) are left out. Run `python tests/make_readme.py` after editing index.ipynb.
"""
from pathlib import Path
import nbformat

HEADER = '<!-- Generated from index.ipynb by `python tests/make_readme.py`: do not edit by hand. -->\n\n'


def readme_from_index(nb_path: Path) -> str:
    nb = nbformat.read(str(nb_path), as_version=4)
    parts = []
    for cell in nb.cells:
        src = cell.source.strip()
        if not src or src.startswith('#| hide') or 'hide' in cell.metadata.get('tags', []): continue
        if cell.cell_type == 'markdown': parts.append(src)
        elif cell.cell_type == 'code':
            lines = [l for l in src.splitlines() if not l.startswith('#|')]
            if lines: parts.append('```python\n' + '\n'.join(lines) + '\n```')
    return HEADER + '\n\n'.join(parts) + '\n'


if __name__ == '__main__':
    root = Path(__file__).resolve().parents[1]
    (root/'README.md').write_text(readme_from_index(root/'index.ipynb'))
    print('wrote', root/'README.md')
