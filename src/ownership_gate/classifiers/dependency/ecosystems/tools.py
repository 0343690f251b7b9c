"""Packages that never run with the code, wherever they are listed: installers, type definitions and stubs,
and the tools that work on the code (formatters, linters, type checkers, test runners, coverage, compilers and
bundlers).

A project often lists them beside what it runs (`pip==9.0.1` or `black` in a `requirements.txt` with no dev
file, `@types/node` or `typescript` and `webpack` in `dependencies` of an application that builds its own
assets, `rubocop` outside any Gemfile group). Wherever they are listed they are `build` scope: a major upgrade
of one changes how the code is installed, checked or built, not what production runs on. The lists name such
packages only; one that ships code into what runs (`@babel/runtime`, `core-js`, `tslib`) is not one, whatever
builds it.
"""

from __future__ import annotations

from ownership_gate.classifiers.dependency.ecosystems.base import BUILD, RUNTIME

_NAMES: dict[str, frozenset[str]] = {
    "pypi": frozenset({
        # Installers and environment tools: they install the application, which never imports them.
        "pip", "wheel", "virtualenv", "pip-tools", "pipenv",
        "black", "isort", "flake8", "pylint", "mypy", "ruff", "autopep8", "yapf", "pycodestyle", "pydocstyle",
        "pyflakes", "bandit", "pip-audit", "safety", "pre-commit", "tox", "nox", "coverage", "pytest",
        "setuptools", "twine", "build",
    }),
    "npm": frozenset({
        "typescript", "eslint", "prettier", "jest", "ts-jest", "vitest", "mocha", "chai", "nyc", "husky",
        "lint-staged", "stylelint", "webpack", "webpack-cli", "vite", "rollup", "esbuild", "parcel", "gulp",
        "grunt", "@babel/core", "@babel/cli", "sass", "node-sass", "postcss", "autoprefixer",
    }),
    "gem": frozenset({
        "rubocop", "standard", "brakeman", "bundler-audit", "simplecov", "erb_lint", "haml_lint", "scss_lint",
        "rspec",
    }),
    "composer": frozenset({
        "phpunit/phpunit", "squizlabs/php_codesniffer", "friendsofphp/php-cs-fixer", "phpstan/phpstan",
        "vimeo/psalm",
    }),
}
# Type definitions (typeshed's `types-requests`, npm's `@types/node`), which only inform the type checker, and
# plug-ins and presets of those tools, by the names their families take.
_PREFIXES: dict[str, tuple[str, ...]] = {
    "pypi": ("types-", "flake8-", "pytest-", "pylint-"),
    "npm": (
        "@types/", "eslint-", "@eslint/", "@typescript-eslint/", "prettier-plugin-", "@jest/", "jest-", "@vitejs/",
        "vite-plugin-", "@rollup/", "rollup-plugin-", "gulp-", "grunt-", "webpack-", "stylelint-",
        "@babel/preset-", "@babel/plugin-", "babel-plugin-", "babel-preset-",
    ),
    "gem": ("rubocop-", "rspec-"),
    "composer": ("phpstan/",),
}
# PEP 561's stub-only packages (`boto3-stubs`), and a bundler's loaders and plug-ins (`ts-loader`,
# `html-webpack-plugin`).
_SUFFIXES: dict[str, tuple[str, ...]] = {"pypi": ("-stubs",), "npm": ("-loader", "-webpack-plugin")}


def works_on_code(ecosystem: str, name: str) -> bool:
    """Whether a package never runs with the code (see above)."""
    name = name.lower()
    if ecosystem == "pypi":
        from packaging.utils import canonicalize_name  # loaded already by every Python manifest reader

        name = canonicalize_name(name)  # `pytest_cov` is `pytest-cov` to pip
    return (name in _NAMES.get(ecosystem, ()) or name.startswith(_PREFIXES.get(ecosystem, ()))
            or name.endswith(_SUFFIXES.get(ecosystem, ())))


def scope(ecosystem: str, name: str, listed: str) -> str:
    """The scope a package is judged in: `build` for such a package listed as runtime, else as listed."""
    return BUILD if listed == RUNTIME and works_on_code(ecosystem, name) else listed
