"""Griffe extension for the docs site: Sphinx roles in docstrings become cross-references.

The library's docstrings are numpydoc and cite each other with Sphinx roles
(``:class:`Plan```, ``:meth:`~bnpl_restructure.Plan.schedule```, ``:mod:`.terms```), which
read well in ``help()``. mkdocstrings renders Markdown, so this extension (listed in
``mkdocs.yml``) rewrites each role when the package is loaded:

- a name that resolves, in the scope of the docstring's object, to a library object
  shown in the reference pages becomes an autorefs link ``[`Plan`][bnpl_restructure.plans.Plan]``
  (a role that resolves to an object on no page is a broken link, and ``mkdocs build
  --strict`` fails on it, so a stale role cannot pass unnoticed);
- any other name (the standard library: ``decimal.Decimal``) becomes inline code;
- an rST citation in a References section (``.. [1] 12 CFR 1026 ...``) reads ``[1] 12 CFR
  1026 ...``.

Which modules the pages show is read from the ``::: module`` lines of the Markdown files
next to this one (a module rendered with ``members: false`` shows no members). Objects of a
module on no page (``bnpl_restructure.servicing.state.LoanState``) are linked where a shown
package re-exports them (``bnpl_restructure.servicing.LoanState``).

Only the docs build imports this file; it needs griffe (the ``docs`` extra).
"""

from __future__ import annotations

import builtins
import logging
import re
import sys
from pathlib import Path
from typing import Any

try:
    from griffe import Extension, Module, Object, logger
except ImportError:  # pytest collects docs/ as doctest modules without the docs extra
    Extension = Module = Object = object  # type: ignore[assignment,misc]
    logger = logging.getLogger("griffe")  # type: ignore[assignment]

ROLE = re.compile(r":(?:py:)?(class|func|meth|attr|mod|data|exc|obj|const):`([^`]+)`")
EXPLICIT = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$")
CITATION = re.compile(r"^(\s*)\.\. \[(\w+)\] ", re.MULTILINE)
DIRECTIVE = re.compile(r"^:::\s+(?P<path>[\w.]+)\s*$", re.MULTILINE)
PAGES = Path(__file__).parent
OPTIONAL_DEPENDENCIES = {"pandas", "matplotlib", "hypothesis", "dask", "pytest"}


def shown_modules(pages: Path = PAGES) -> dict[str, bool]:
    """Map each module on a reference page to whether its members are shown."""
    shown: dict[str, bool] = {}
    for page in sorted(pages.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in DIRECTIVE.finditer(text):
            options = text[match.end():].split(":::", 1)[0]
            shown[match["path"]] = "members: false" not in options
    return shown


class SphinxRoles(Extension):  # type: ignore[misc]
    """Rewrite Sphinx roles in every docstring of the loaded package."""

    def __init__(self) -> None:
        self.shown = shown_modules()

    def on_package(self, *, pkg: Module, **kwargs: Any) -> None:
        self.package = pkg
        self.public = self._public_paths(pkg)
        for obj in self._objects(pkg):
            if obj.docstring is not None:
                text = ROLE.sub(lambda match, obj=obj: self._rewrite(obj, match),
                                obj.docstring.value)
                obj.docstring.value = CITATION.sub(r"\1\\[\2\\] ", text)

    def _objects(self, obj: Object) -> Any:
        yield obj
        for member in obj.members.values():
            if not member.is_alias:
                yield from self._objects(member)

    def _public_paths(self, pkg: Module) -> dict[str, str]:
        """Canonical path -> the path it is shown under, for objects on the pages."""
        public: dict[str, str] = {}
        for path, with_members in self.shown.items():
            module = self._get(path)
            if module is None:
                continue
            public.setdefault(module.path, module.path)
            if not with_members:
                continue
            for name, member in module.members.items():
                if name.startswith("_") or not member.is_public or member.is_module:
                    continue
                try:
                    target = member.final_target if member.is_alias else member
                except Exception:  # an alias outside the package: not linked
                    continue
                if target.path.startswith(pkg.path + "."):
                    public.setdefault(target.path, f"{module.path}.{name}")
        return public

    def _get(self, path: str) -> Object | None:
        if path == self.package.path:
            return self.package
        if not path.startswith(self.package.path + "."):
            return None
        try:
            return self.package[path[len(self.package.path) + 1:]]
        except (KeyError, ValueError, Exception):
            return None

    def _resolve(self, obj: Object, name: str) -> str | None:
        """The shown path ``name`` refers to in ``obj``'s scope, or None."""
        name = name.removesuffix("()")
        candidates = []
        if name.startswith("."):
            module = obj if obj.is_module else obj.module
            package = module if module.is_init_module else module.parent
            candidates.append(f"{package.path}{name}")
        else:
            head, _, rest = name.partition(".")
            scope: Object | None = obj
            while scope is not None:
                if head in scope.members:
                    candidates.append(f"{scope.members[head].path}{'.' + rest if rest else ''}")
                    break
                scope = scope.parent
            candidates.append(name)
        for candidate in candidates:
            found = self._get(candidate)
            if found is None:
                continue
            try:
                target = found.final_target if found.is_alias else found
            except Exception:
                continue
            shown = self._shown_path(target)
            if shown is not None:
                return shown
        return None

    def _shown_path(self, target: Object) -> str | None:
        parts = target.path.split(".")
        for cut in range(len(parts), 0, -1):
            prefix = ".".join(parts[:cut])
            if prefix in self.public:
                rest = parts[cut:]
                scope = self._get(prefix)
                for part in rest:  # each member on the way must be shown
                    member = None if scope is None else scope.members.get(part)
                    if member is None or not member.is_public or member.is_module:
                        return None
                    scope = member
                return ".".join([self.public[prefix], *rest])
        return None

    def _rewrite(self, obj: Object, match: re.Match[str]) -> str:
        role, text = match[1], match[2].strip()
        explicit = EXPLICIT.match(text)
        if explicit:
            title, name = explicit["title"], explicit["target"]
        else:
            name = text.lstrip("~")
            title = name.rsplit(".", 1)[-1] if text.startswith("~") else name.lstrip(".")
            if role in {"func", "meth"} and not title.endswith(")"):
                title += "()"
        target = self._resolve(obj, name)
        if target is None and not self._exists(obj, name):
            logger.warning("%s: %s role names %r, which is neither in the library nor an "
                           "importable module or builtin", obj.path, role, name)
        return f"[`{title}`][{target}]" if target else f"`{title}`"

    def _exists(self, obj: Object, name: str) -> bool:
        """Whether ``name`` is a library object (shown or not), a builtin or a module."""
        name = name.removesuffix("()")
        if self._found(obj, name):
            return True
        head = name.split(".", 1)[0]
        return (head in dir(builtins) or head in sys.stdlib_module_names
                or head in OPTIONAL_DEPENDENCIES)

    def _found(self, obj: Object, name: str) -> bool:
        if name.startswith("."):
            module = obj if obj.is_module else obj.module
            package = module if module.is_init_module else module.parent
            return self._get(f"{package.path}{name}") is not None
        head, _, rest = name.partition(".")
        scope: Object | None = obj
        while scope is not None:
            if head in scope.members:
                return not rest or self._get(f"{scope.members[head].path}.{rest}") is not None
            scope = scope.parent
        return self._get(name) is not None
