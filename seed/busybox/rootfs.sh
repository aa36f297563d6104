#!/bin/sh
# The busybox seed's root file system, made in a box-image container into $1:
# Debian's static busybox with a link for every applet, and the few files a shell expects.
set -eu
out=$1
mkdir -p "$out/bin" "$out/etc" "$out/root" "$out/tmp" "$out/var" "$out/usr/bin"
cp /bin/busybox "$out/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ -e "$out/bin/$applet" ] || ln -s /bin/busybox "$out/bin/$applet"
done
chmod 1777 "$out/tmp"
echo 'root:x:0:0:root:/root:/bin/sh' > "$out/etc/passwd"
echo 'root:x:0:' > "$out/etc/group"
