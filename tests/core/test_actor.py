"""Who did it: a function that takes an `actor` uses it (issue 16). The acting user otherwise travels by one
channel, cpms/core/transaction.py (current_actor / acting_as), which the audit log reads."""
import ast
from pathlib import Path

CPMS = Path(__file__).resolve().parents[2] / "cpms"


def decorative_actors():
    """(file, function) of every function under cpms/ with a parameter `actor` that its body never reads."""
    found = []
    for path in sorted(CPMS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            if not any(argument.arg == "actor" for argument in arguments):
                continue
            read = any(isinstance(inner, ast.Name) and inner.id == "actor" and isinstance(inner.ctx, ast.Load)
                       for statement in node.body for inner in ast.walk(statement))
            if not read:
                found.append((str(path.relative_to(CPMS.parent)), node.name))
    return found


def test_no_function_takes_an_actor_it_does_not_use():
    assert decorative_actors() == []


def test_the_check_finds_a_decorative_actor(tmp_path, monkeypatch):
    package = tmp_path / "cpms"
    package.mkdir()
    (package / "service.py").write_text("def used(actor, x):\n    return actor.id + x\n\n"
                                        "def decorative(actor, x):\n    return x\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["CPMS"]), "CPMS", package)
    assert decorative_actors() == [("cpms/service.py", "decorative")]


def test_nothing_reads_the_actor_from_the_session_info():
    offenders = [str(path.relative_to(CPMS.parent)) for path in sorted(CPMS.rglob("*.py"))
                 if 'info["actor' in path.read_text(encoding="utf-8")]
    assert offenders == []
