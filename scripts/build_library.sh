#!/usr/bin/env bash
# Builds libmacemd.so (the C API of include/macemd.h) with the Swift runtime linked in, so that
# it runs without a Swift toolchain, and prints its path (.build/release/libmacemd.so).
# (SwiftPM names the product libmacemd-c.so, as the tool owns the name macemd; its soname is libmacemd.so.)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release -Xswiftc -static-stdlib --product macemd-c >&2
cp -f .build/release/libmacemd-c.so .build/release/libmacemd.so
echo "$PWD/.build/release/libmacemd.so"
