"""Just enough of docker compose to test docker-compose.yml without a Docker engine: its
variable interpolation (`${NAME:-default}`, `${NAME:?error}`, `$$`) and the environment a
service's container gets (env_file first, then `environment:` over it)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


class MissingVariable(Exception):
    pass


def interpolate(text: str, values: dict) -> str:
    out, i = [], 0
    while i < len(text):
        if text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("${", i):
            end, depth = i + 2, 1
            while depth:
                if text.startswith("${", end):
                    depth, end = depth + 1, end + 2
                else:
                    depth -= text[end] == "}"
                    end += 1
            out.append(_expression(text[i + 2 : end - 1], values))
            i = end
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _expression(expression: str, values: dict) -> str:
    for operator in (":-", ":?", "-", "?"):
        name, found, rest = expression.partition(operator)
        if found and name.isidentifier():
            value = values.get(name)
            empty = value is None or (operator.startswith(":") and value == "")
            if not empty:
                return value
            if operator.endswith("?"):
                raise MissingVariable(interpolate(rest, values) or name)
            return interpolate(rest, values)
    return values.get(expression, "")


def read_env_file(path: Path) -> dict:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip().strip("'\"")
    return values


def load(project: Path = ROOT) -> dict:
    return yaml.safe_load((project / "docker-compose.yml").read_text())


def container_environment(service: str, env_file: Path) -> dict:
    """What `docker compose up` gives the service's container, for this .env file."""
    values = read_env_file(env_file)
    spec = load()["services"][service]
    environment = {}
    for entry in spec.get("env_file", []):
        path = entry["path"] if isinstance(entry, dict) else entry
        assert path == ".env", "the test reads .env only"
        environment.update(values)
    for name, value in (spec.get("environment") or {}).items():
        environment[name] = interpolate(str(value), values)
    return environment
