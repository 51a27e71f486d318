#!/bin/sh
# Starts and stops a private Asterisk for the conformance tests: its own asterisk.conf,
# spool, logs and control socket under DIR, and the manager interface (AMI) on 127.0.0.1.
#
# Usage:
#   asterisk-instance.sh start PREFIX DIR [AMI_PORT] [lockfile|flock]
#   asterisk-instance.sh stop  PREFIX DIR
#
# PREFIX is where build-asterisk.sh installed Asterisk. Configuration files already present in
# DIR/etc are kept (tests may write their own voicemail.conf or extensions.conf first); missing
# ones are written with defaults. The manager user and its random secret are written to
# DIR/ami.properties (mode 0600). DIR should be short: the control socket path must stay under
# 108 bytes. Needs python3 for the generated prompt and tone files.
set -eu

cmd=${1:-}; PREFIX=${2:-}; DIR=${3:-}
if [ -z "$cmd" ] || [ -z "$PREFIX" ] || [ -z "$DIR" ]; then
    echo "usage: $0 start PREFIX DIR [AMI_PORT] [lockfile|flock] | stop PREFIX DIR" >&2
    exit 2
fi
DIR=$(mkdir -p "$DIR" && cd "$DIR" && pwd)
ASTERISK="$PREFIX/sbin/asterisk"
CONF="$DIR/etc/asterisk.conf"

# The process id is kept in a file of our own: Asterisk deletes and rewrites run/asterisk.pid
# while it starts, so reading that one can find nothing.
PIDFILE="$DIR/instance.pid"

stop() {
    [ -f "$PIDFILE" ] || PIDFILE="$DIR/run/asterisk.pid"
    [ -f "$PIDFILE" ] || return 0
    pid=$(cat "$PIDFILE")
    "$ASTERISK" -C "$CONF" -rx "core stop now" >/dev/null 2>&1 || true
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    rm -f "$PIDFILE"
}

case "$cmd" in
stop) stop; exit 0 ;;
start) ;;
*) echo "unknown command: $cmd" >&2; exit 2 ;;
esac

PORT=${4:-5038}
LOCKMODE=${5:-lockfile}
case "$LOCKMODE" in lockfile|flock) ;; *) echo "lock mode must be lockfile or flock" >&2; exit 2 ;; esac
mkdir -p "$DIR/etc" "$DIR/spool/voicemail" "$DIR/spool/monitor" "$DIR/log" "$DIR/run" "$DIR/lib" "$DIR/data/sounds/en/digits"

# asterisk.conf is always rewritten: it carries the lock mode.
cat > "$CONF" <<CONF
[directories]
astetcdir => $DIR/etc
astmoddir => $PREFIX/lib/asterisk/modules
astvarlibdir => $DIR/lib
astdbdir => $DIR/lib
astkeydir => $DIR/lib
astdatadir => $DIR/data
astagidir => $DIR/data/agi-bin
astspooldir => $DIR/spool
astrundir => $DIR/run
astlogdir => $DIR/log
astsbindir => $PREFIX/sbin

[options]
lockmode = $LOCKMODE
verbose = 3
transmit_silence = no
CONF

write_default() { # FILE, content on stdin
    if [ -f "$DIR/etc/$1" ]; then cat >/dev/null; else cat > "$DIR/etc/$1"; fi
}

write_default modules.conf <<CONF
[modules]
autoload = no
load = res_timing_timerfd.so
load = format_wav.so
load = format_gsm.so
load = format_wav_gsm.so
load = format_pcm.so
load = codec_ulaw.so
load = codec_alaw.so
load = codec_gsm.so
load = codec_resample.so
load = bridge_simple.so
load = func_callerid.so
load = app_playback.so
load = app_echo.so
load = res_adsi.so
load = res_smdi.so
load = app_voicemail.so
load = pbx_config.so
$(if [ -f "$PREFIX/lib/asterisk/modules/app_mixmonitor.so" ]; then
    for m in app_chanspy func_cut func_groupcount func_uri func_periodic_hook app_mixmonitor; do echo "load = $m.so"; done
fi)
CONF

write_default logger.conf <<CONF
[general]
[logfiles]
messages.log => notice,warning,error,verbose
CONF

write_default voicemail.conf <<CONF
[general]
format = wav49|gsm|wav
maxmsg = 10
pollmailboxes = no
minsecs = 0
maxsilence = 0

[default]
100 => 1234,Conformance 100
101 => 1234,Conformance 101
102 => 1234,Conformance 102
103 => 1234,Conformance 103,,,maxmsg=3
104 => 1234,Conformance 104
105 => 1234,Conformance 105
106 => 1234,Conformance 106
107 => 1234,Conformance 107
108 => 1234,Conformance 108
109 => 1234,Conformance 109,,,maxmsg=9999
110 => 1234,Conformance 110,,,maxmsg=200
111 => 1234,Conformance 111,,,maxmsg=3
112 => 1234,Conformance 112
113 => 1234,Conformance 113
CONF

write_default extensions.conf <<CONF
[test]
; The other leg of a Local channel whose first leg runs VoiceMail(): plays a tone, hangs up.
exten => play,1,Answer()
 same => n,Playback($DIR/data/tone)
 same => n,Hangup()
; The other leg for VoiceMailPlayMsg(): answers and listens for a while.
exten => sink,1,Answer()
 same => n,Wait(20)
 same => n,Hangup()
; VoiceMail() for mailbox NNN of context default; when the call ends, one log line tells the
; outcome and the message file Asterisk chose (empty when nothing was saved).
exten => _vm-X.,1,Set(VMBOX=\${EXTEN:3})
 same => n,VoiceMail(\${VMBOX}@default,s)
 same => n,Hangup()
exten => h,1,GotoIf(\$["\${VMBOX}" = ""]?done)
 same => n,NoOp(astlock-vm-done box=\${VMBOX} status=\${VMSTATUS} file=\${VM_MESSAGEFILE})
 same => n(done),NoOp()
; A call recorded by MixMonitor, whose m() option copies the recording into mailbox NNN.
exten => _rec-X.,1,Answer()
 same => n,MixMonitor(\${UNIQUEID}.wav,m(\${EXTEN:4}@default))
 same => n,Playback($DIR/data/tone)
 same => n,Hangup()
CONF

if [ ! -f "$DIR/etc/manager.conf" ]; then
    SECRET=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    umask 077
    cat > "$DIR/etc/manager.conf" <<CONF
[general]
enabled = yes
bindaddr = 127.0.0.1
port = $PORT

[astlock]
secret = $SECRET
deny = 0.0.0.0/0.0.0.0
permit = 127.0.0.1/255.255.255.255
read = all
write = all
CONF
    printf 'host = 127.0.0.1\nport = %s\nusername = astlock\nsecret = %s\ntimeout = 20s\n' "$PORT" "$SECRET" \
        > "$DIR/ami.properties"
    umask 022
fi

# Short silent stand-ins for every prompt app_voicemail names (no sound packages are installed),
# and a 2-second 8 kHz tone for the calling leg.
python3 - "$DIR/data" "$PREFIX/lib/asterisk/modules/app_voicemail.so" <<'PY'
import math, os, re, struct, sys
data, module = sys.argv[1], sys.argv[2]
def wav(path, samples):
    body = b"".join(struct.pack("<h", s) for s in samples)
    hdr = b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16) + b"data" + struct.pack("<I", len(body))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(hdr + body)
names = set(m.decode() for m in re.findall(rb"(?<![A-Za-z0-9_/-])(vm-[a-z0-9-]+|beep)(?![A-Za-z0-9_])", open(module, "rb").read()))
names |= {"digits/%d" % i for i in range(10)}
for n in names:
    wav(os.path.join(data, "sounds", "en", n + ".wav"), [0] * 80)
wav(os.path.join(data, "tone.wav"), [int(8000 * math.sin(2 * math.pi * 440 * i / 8000)) for i in range(16000)])
PY

stop
nohup "$ASTERISK" -C "$CONF" -f -n -g > "$DIR/log/console.out" 2>&1 &
PIDFILE="$DIR/instance.pid"
echo $! > "$PIDFILE"
# Ready when the manager port answers and the modules are loaded.
i=0
until "$ASTERISK" -C "$CONF" -rx "core waitfullybooted" >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        echo "Asterisk did not start; see $DIR/log/console.out" >&2
        stop
        exit 1
    fi
    sleep 0.2
done
echo "Asterisk running (pid $(cat "$PIDFILE"), AMI 127.0.0.1:$PORT, lockmode $LOCKMODE)"
