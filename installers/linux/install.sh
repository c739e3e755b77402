#!/bin/sh
# Install this MedTrace bundle: the folder, the `medtrace` command, the menu entry and its icon.
#   ./install.sh                as a person: ~/.local/lib/medtrace, ~/.local/bin, ~/.local/share
#   sudo ./install.sh           for everyone: /opt/medtrace, /usr/local/bin, /usr/local/share
#   PREFIX=/some/folder ./install.sh   the bundle elsewhere (the command and menu entry follow it)
#   BINDIR=... DATADIR=...      where the command link and the menu entry with its icons go
# Nothing else is touched: settings and the embedded database are made per person at first start.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" = 0 ]; then
    prefix=${PREFIX:-/opt/medtrace}; bin=${BINDIR:-/usr/local/bin}; share=${DATADIR:-/usr/local/share}
else
    prefix=${PREFIX:-$HOME/.local/lib/medtrace}; bin=${BINDIR:-$HOME/.local/bin}
    share=${DATADIR:-${XDG_DATA_HOME:-$HOME/.local/share}}
fi
if [ "$here" != "$prefix" ]; then
    rm -rf "$prefix.new" && mkdir -p "$prefix.new"
    cp -a "$here/." "$prefix.new/"
    rm -rf "$prefix" && mv "$prefix.new" "$prefix"
fi
mkdir -p "$bin" "$share/applications" "$share/icons/hicolor/256x256/apps" "$share/icons/hicolor/scalable/apps"
ln -sf "$prefix/medtrace" "$bin/medtrace"
sed "s|^Exec=medtrace|Exec=$prefix/medtrace|" "$prefix/share/applications/medtrace.desktop" \
    > "$share/applications/medtrace.desktop"
cp "$prefix/share/icons/hicolor/256x256/apps/medtrace.png" "$share/icons/hicolor/256x256/apps/medtrace.png"
cp "$prefix/share/icons/hicolor/scalable/apps/medtrace.svg" "$share/icons/hicolor/scalable/apps/medtrace.svg"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$share/applications" || true
echo "MedTrace installed in $prefix; start it from the menu or with: $bin/medtrace"
