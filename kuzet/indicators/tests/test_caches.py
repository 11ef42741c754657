"""``clear_caches`` finds and empties every cache of the indicator engine."""

from __future__ import annotations

import ast
from pathlib import Path

from kuzet.indicators import clear_caches, extract
from kuzet.indicators.caches import MODULES, all_caches, is_table

PACKAGE = Path(__file__).resolve().parents[1]
CACHE_DECORATORS = {"cache", "lru_cache"}
# A text that reaches every kind of per-value cache: a number run, a card, a masked card, an
# IBAN, a URL with its host, an e-mail address, a look-alike, an IP address, a wallet, handles,
# a WhatsApp link, and a fullwidth digit that makes the normaliser rewrite the text.
TEXT = (
    "Звонили с +7 701 234 56 78, перевела на 4400 4301 2345 6781 и на карту 4400 43** **** 6781, "
    "счёт KZ86125KZT5004100100. Ссылка https://kaspi-bonus.kz/pay, почта help@kaspi-help.kz, "
    "сайт kаspi.kz, сервер 185.22.1.7, кошелёк bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4, "
    "телеграм @kaspi_help_kz, https://wa.me/77012345678, ИИН ９５０１０１３００１２３"
)


def _is_cache_decorator(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in CACHE_DECORATORS


def _decorated_functions(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Module-level cached functions, and module-level functions that define a cached one."""
    top_level: set[str] = set()
    factories: set[str] = set()
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        if any(_is_cache_decorator(decorator) for decorator in node.decorator_list):
            top_level.add(node.name)
        for inner in ast.walk(node):
            if (
                inner is not node
                and isinstance(inner, ast.FunctionDef)
                and any(_is_cache_decorator(decorator) for decorator in inner.decorator_list)
            ):
                factories.add(node.name)
    return top_level, factories


def _names_made_by(tree: ast.Module, factories: set[str]) -> set[str]:
    """Module-level names assigned the result of calling one of ``factories``."""
    names = set()
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id in factories
        ):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def test_every_module_of_the_engine_is_searched_for_caches():
    sources = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "__main__", "cli"}
    assert sources - {"caches"} == set(MODULES)


def test_every_cached_function_in_the_source_is_found():
    found = set(all_caches())
    holders = {name.split(".", 1)[1] for name in found}
    missing = []
    for module in MODULES:
        tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
        top_level, factories = _decorated_functions(tree)
        # A cache imported from another module is listed under the module that holds it first.
        missing += [f"{module}.{name}" for name in top_level if name not in holders]
        made = _names_made_by(tree, factories)
        assert made or not factories, f"{module}: a cache factory whose caches are not named"
        missing += [f"{module}.{name}" for name in made if f"{module}.{name}" not in found]
    assert missing == []


def test_clear_caches_empties_every_per_value_cache_and_keeps_the_tables():
    clear_caches()
    assert extract(TEXT)
    caches = all_caches()
    filled = {name for name, cache in caches.items() if cache.cache_info().currsize}
    assert {
        "domains.registrable",
        "domains.host_to_ascii",
        "candidates._checked_url",
        "candidates._checked_email",
        "candidates._checked_iban",
        "candidates._run_segments",  # listed under the first module that holds it
        "normalise._is_unsafe",
        "lookalike.brands",
    } <= filled

    clear_caches()

    left = {name for name, cache in caches.items() if cache.cache_info().currsize}
    assert left == {name for name in filled if is_table(caches[name])}
    assert "lookalike.brands" in left


def test_clear_caches_with_tables_empties_everything():
    assert extract(TEXT)

    clear_caches(tables=True)

    assert [name for name, cache in all_caches().items() if cache.cache_info().currsize] == []
    assert extract(TEXT)  # the tables are rebuilt on first use
