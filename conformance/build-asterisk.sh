#!/bin/sh
# Builds a minimal Asterisk (voicemail, dialplan, Local channels, AMI, wav/gsm)
# from an Asterisk source tree into PREFIX, for the opt-in conformance tests.
#
# Usage: build-asterisk.sh SRC_DIR PREFIX
#
# Only Debian packages are used; nothing is downloaded by this script or by the
# Asterisk build (no bundled pjproject/jansson/libjwt, no sound packages,
# no external codecs). Set INSTALL_DEPS=1 to let it apt-get install the -dev
# packages it needs (root only). JOBS defaults to the number of CPUs.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 SRC_DIR PREFIX" >&2
    exit 2
fi
SRC=$(cd "$1" && pwd)
PREFIX=$2
case "$PREFIX" in /*) ;; *) PREFIX=$(pwd)/$PREFIX ;; esac
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 1)}

DEPS="build-essential pkg-config libedit-dev libjansson-dev libxml2-dev uuid-dev libsqlite3-dev libssl-dev libncurses-dev"
if [ "${INSTALL_DEPS:-0}" = 1 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $DEPS
fi

# app_voicemail needs res_adsi and res_smdi loaded. Modules needed besides the core (which holds AMI, Local channels and the
# bridging core): voicemail, playback, the dialplan from extensions.conf,
# wav/gsm file formats and codecs between them, a timer, the simple bridge,
# and MixMonitor (its m() option copies a recording into mailboxes). MixMonitor
# refuses to load without func_periodic_hook when modules are not autoloaded, and
# that one needs app_chanspy, func_cut, func_groupcount and func_uri.
MODULES="app_voicemail res_adsi res_smdi app_playback app_echo pbx_config
format_wav format_gsm format_wav_gsm format_pcm
codec_gsm codec_ulaw codec_alaw codec_resample
res_timing_timerfd bridge_simple func_callerid
app_mixmonitor func_periodic_hook app_chanspy func_cut func_groupcount func_uri"

cd "$SRC"
echo "== configure ($(date -u +%H:%M:%S))"
./configure --prefix="$PREFIX" \
    --without-pjproject-bundled --without-jansson-bundled --without-libjwt-bundled \
    --without-pjproject --disable-xmldoc \
    --with-jansson --with-libedit

echo "== menuselect ($(date -u +%H:%M:%S))"
make menuselect.makeopts
menuselect/menuselect --disable-all menuselect.makeopts
for m in $MODULES; do
    menuselect/menuselect --enable "$m" menuselect.makeopts
done
# Nothing that would fetch files from the network.
for c in MENUSELECT_CORE_SOUNDS MENUSELECT_MOH MENUSELECT_EXTRA_SOUNDS; do
    menuselect/menuselect --disable-category "$c" menuselect.makeopts || true
done

echo "== make ($(date -u +%H:%M:%S))"
make -j"$JOBS" NOISY_BUILD=
echo "== install ($(date -u +%H:%M:%S))"
make install
echo "== done ($(date -u +%H:%M:%S)): $PREFIX/sbin/asterisk"
ls "$PREFIX"/lib/asterisk/modules
