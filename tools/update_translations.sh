#!/bin/sh
# Collect every user-visible string of the GUI into the translation catalogues (DESIGN §1, STYLE §11).
#
#   tools/update_translations.sh
#
# zh_CN gets every message (translate the new ones in Qt Linguist or by editing the .ts; the test
# tests/unit/test_translations.py fails while any is unfinished). English is the source language, so
# its catalogue holds only plural forms (-pluralonly), as Qt recommends. `make translations` compiles
# the .ts files to .qm with pyside6-lrelease.
set -eu
cd "$(dirname "$0")/.."
LUPDATE=.venv/bin/pyside6-lupdate
SOURCES=$(find app/views -name '*.py' | sort)
# shellcheck disable=SC2086 — one argument per source file
$LUPDATE $SOURCES app/main.py -no-obsolete -locations relative \
    -source-language en -target-language zh_CN -ts resources/translations/medtrace_zh_CN.ts
# shellcheck disable=SC2086
$LUPDATE $SOURCES app/main.py -no-obsolete -locations relative -pluralonly \
    -source-language en -target-language en -ts resources/translations/medtrace_en.ts
