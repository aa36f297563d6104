#!/bin/sh
# The hello-world seed's root file system, made in a box-image container into $1: one
# static C program, nothing else.
set -eu
out=$1
gcc -static -Os -o "$out/hello" "$(dirname "$0")/hello.c"
strip "$out/hello"
