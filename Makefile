# One command surface: developers and CI call the same targets.
#   make run       set everything up, then open the workstation on the embedded database (demo data)
#   make test      set everything up, then run the suite (CI: .ci/run)
#   make test-all  the suite including the slow tests
#   make lint      ruff + import-linter (Qt only in app/views and app/main.py)
#   make bench     the performance benchmarks of bench/ (figures go to bench/RESULTS.md by hand)
#   make dist      the one-folder bundle dist/medtrace/ and its tarball (installers/README.md)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSSTAMP := $(VENV)/.system-packages
TS := $(wildcard resources/translations/*.ts)
QM := $(TS:.ts=.qm)

# What Qt (offscreen and xcb), the PDF checks and the CJK font need on a bare Debian/Ubuntu; postgresql:
# a server built with OpenSSL for the TLS test (the embedded binaries are built without it).
SYSTEM_PACKAGES := postgresql libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
	libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
	libxcb-shape0 libxcb-randr0 libxcb-xinerama0 fonts-wqy-microhei poppler-utils xvfb oathtool

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
TARBALL := dist/medtrace-$(VERSION)-linux-$(shell uname -m).tar.gz

.PHONY: run test test-all lint bench setup system-packages translations dist clean

setup: $(SYSSTAMP) $(STAMP) $(QM)

$(SYSSTAMP):
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if ! $(PYTHON) -c 'import venv, ensurepip' 2>/dev/null; then missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	@mkdir -p $(VENV) && touch $@

$(STAMP): pyproject.toml $(SYSSTAMP)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

resources/translations/%.qm: resources/translations/%.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

translations: $(QM)

# First run: the embedded database, its schema, demonstration data and demo people (README).
run: setup
	$(BIN)/medtrace db upgrade
	$(BIN)/medtrace demo seed --if-empty
	$(BIN)/medtrace

test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow" -q --junitxml=build/test-results.xml

test-all: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q --junitxml=build/test-results.xml

lint: setup
	$(BIN)/ruff check app tests bench alembic
	$(BIN)/lint-imports

bench: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

# PyInstaller one-folder bundle (installers/medtrace.spec), then the IQ manifest, menu entry, icons and tarball.
dist: setup
	rm -rf dist/medtrace $(TARBALL)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller installers/medtrace.spec
	$(BIN)/python installers/finish_bundle.py dist/medtrace --tarball $(TARBALL)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .medtrace-test $(QM) build dist
