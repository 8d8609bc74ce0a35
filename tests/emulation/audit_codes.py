"""Every action code the source can log, read from the code itself (no list kept by hand).

The seeds are the audit calls: `log_action(code, …)`, `apply_changes(…, action=code)`,
`transition(…, action=code)`, `AuditEntry(action=code)`. A code that is not a literal is
followed: f-strings part by part, conditional expressions, a dict literal indexed by a state,
local and module-level assignments, loop variables, class attributes (`self.audit_prefix`), and
a function parameter through its default and every call site. A seed that cannot be followed to
at least one code is reported, so a new way of building codes fails loudly instead of hiding.
"""

import ast
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("emulation", "blocs", "awards", "portal")
CODE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
SEED_KEYWORD_CALLS = {"apply_changes", "transition", "AuditEntry", "log_action"}


@dataclass
class Module:
    path: Path
    tree: ast.Module
    parents: dict = field(default_factory=dict)


def _modules() -> list[Module]:
    modules = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            module = Module(path, tree)
            for node in ast.walk(tree):
                for child in ast.iter_child_nodes(node):
                    module.parents[child] = node
            modules.append(module)
    return modules


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _enclosing_function(module: Module, node):
    while node in module.parents:
        node = module.parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node
    return None


class Resolver:
    def __init__(self, modules: list[Module]):
        self.modules = modules
        self.calls = [
            (module, node)
            for module in modules
            for node in ast.walk(module.tree)
            if isinstance(node, ast.Call)
        ]

    def values(self, module: Module, node, depth: int = 0) -> set[str]:
        """Every string `node` can evaluate to (None contributes nothing)."""
        if depth > 8:
            return set()
        if isinstance(node, ast.Constant):
            return {node.value} if isinstance(node.value, str) else set()
        if isinstance(node, ast.IfExp):
            return self.values(module, node.body, depth + 1) | self.values(
                module, node.orelse, depth + 1
            )
        if isinstance(node, ast.JoinedStr):
            return self._joined(module, node, depth)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):
            return set().union(*(self.values(module, v, depth + 1) for v in node.value.values))
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return set().union(set(), *(self.values(module, e, depth + 1) for e in node.elts))
        if isinstance(node, ast.Name):
            return self._name(module, node, depth)
        if isinstance(node, ast.Attribute):
            return self._class_attribute(node.attr, depth)
        return set()

    def _joined(self, module, node: ast.JoinedStr, depth) -> set[str]:
        parts = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append({str(part.value)})
            else:
                parts.append(self.values(module, part.value, depth + 1))
        return {"".join(combination) for combination in itertools.product(*parts)}

    def _name(self, module, node: ast.Name, depth) -> set[str]:
        found = set()
        function = _enclosing_function(module, node)
        scopes = [function] if function is not None else []
        # Inside the function, anywhere; at module level, top-level statements only (another
        # function's local of the same name is not this one).
        statements = [child for scope in scopes for child in ast.walk(scope)]
        for child in statements + list(module.tree.body):
            if isinstance(child, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in child.targets
            ):
                found |= self.values(module, child.value, depth + 1)
            elif isinstance(child, ast.For | ast.comprehension) and (
                getattr(child.target, "id", "") == node.id
            ):
                found |= self.values(module, child.iter, depth + 1)
        if function is not None:
            found |= self._parameter(module, function, node.id, depth)
        if not found:
            found = self._module_constant(node.id, depth)
        return found

    def _parameter(self, module, function, name: str, depth) -> set[str]:
        arguments = function.args
        positional = [a.arg for a in arguments.posonlyargs + arguments.args]
        names = positional + [a.arg for a in arguments.kwonlyargs]
        if name not in names:
            return set()
        found = set()
        defaults = dict(
            zip(
                positional[len(positional) - len(arguments.defaults) :],
                arguments.defaults,
                strict=True,
            )
        )
        defaults.update(
            {
                a.arg: d
                for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
                if d is not None
            }
        )
        if name in defaults:
            found |= self.values(module, defaults[name], depth + 1)
        index = positional.index(name) if name in positional else None
        for caller, call in self.calls:
            if _call_name(call) != function.name:
                continue
            for keyword in call.keywords:
                if keyword.arg == name:
                    found |= self.values(caller, keyword.value, depth + 1)
            if index is not None and index < len(call.args):
                found |= self.values(caller, call.args[index], depth + 1)
        return found

    def _module_constant(self, name: str, depth) -> set[str]:
        found = set()
        for module in self.modules:
            for child in module.tree.body:
                if isinstance(child, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == name for t in child.targets
                ):
                    found |= self.values(module, child.value, depth + 1)
        return found

    def _class_attribute(self, name: str, depth) -> set[str]:
        found = set()
        for module in self.modules:
            for node in ast.walk(module.tree):
                if isinstance(node, ast.ClassDef):
                    for child in node.body:
                        if isinstance(child, ast.Assign) and any(
                            isinstance(t, ast.Name) and t.id == name for t in child.targets
                        ):
                            found |= self.values(module, child.value, depth + 1)
        return found


def _seeds(call: ast.Call):
    name = _call_name(call)
    if name == "log_action" and call.args:
        yield call.args[0]
    if name in SEED_KEYWORD_CALLS:
        for keyword in call.keywords:
            if keyword.arg == "action" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is None
            ):
                yield keyword.value


def logged_codes() -> tuple[dict[str, list[str]], list[str]]:
    """({code: [where it is logged]}, [seeds that lead to no code, as "file:line"])."""
    modules = _modules()
    resolver = Resolver(modules)
    codes: dict[str, list[str]] = {}
    unresolved = []
    for module, call in resolver.calls:
        for seed in _seeds(call):
            where = f"{module.path.relative_to(ROOT)}:{seed.lineno}"
            found = {code for code in resolver.values(module, seed) if CODE.fullmatch(code)}
            if not found:
                unresolved.append(where)
            for code in found:
                codes.setdefault(code, []).append(where)
    return codes, unresolved


def _literal_keys(call: ast.Call):
    """Keys of the dict literals and facts(...) keywords inside one audit call."""
    for node in ast.walk(call):
        if isinstance(node, ast.Dict):
            yield from (k.value for k in node.keys if isinstance(k, ast.Constant))
        if isinstance(node, ast.Call) and _call_name(node) in {"facts", "_facts"}:
            yield from (keyword.arg for keyword in node.keywords if keyword.arg)


def logged_detail_keys() -> dict[str, str]:
    """{data key: where} for every key written literally by a `log_action` call."""
    keys = {}
    for module in _modules():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call) and _call_name(node) == "log_action":
                for key in _literal_keys(node):
                    keys.setdefault(key, f"{module.path.relative_to(ROOT)}:{node.lineno}")
    return keys
