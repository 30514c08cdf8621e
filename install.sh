#!/bin/sh
# install.sh: installs selfheal from a built checkout (mvn -B -q package -DskipTests first).
#
# usage: ./install.sh [NAME=VALUE ...]     (also read from the environment; arguments win)
#   DESTDIR         staging root prepended to every path (packaging, tests)            (empty)
#   PREFIX          where the programs go                                              (/usr/local)
#   LIBDIR          jars, launch.sh, launchers, event handler, uninstall, manifest    ($PREFIX/lib/selfheal)
#   SHAREDIR        examples: Icinga 2 objects, systemd units, sudo rule, foo objects  ($PREFIX/share/selfheal)
#   PLUGINDIR       Nagios' $USER1$: links to check_worker, check_listener, handler   (/usr/lib/nagios/plugins)
#   NAGIOS_CONFDIR  a cfg_dir of Nagios: selfheal-commands.cfg, selfheal-templates.cfg (/etc/nagios4/conf.d)
#   XINETD_DIR      the xinetd service file "selfheal"                                 (/etc/xinetd.d)
#   CONFDIR         listener.properties (installed only if there is none)             (/etc/selfheal)
#   STATEDIR        the listener's state.dir                                           (/var/lib/selfheal)
#   LOGDIR          the listener's audit log directory                                 (/var/log/selfheal)
#   SERVICES_FILE   gets the line "selfheal 5669/tcp" unless it names selfheal already (/etc/services)
#   LISTENER_USER   owner of STATEDIR and LOGDIR, if that user exists                  (selfheal)
#
# Every file it writes is listed in LIBDIR/install.manifest; LIBDIR/uninstall (or ./uninstall with the same
# settings) removes exactly those, and the services line. listener.properties is kept: it is yours.
# It starts, stops and reloads nothing: see README.md for the steps after it.
set -eu

for setting in "$@"; do
    case $setting in
        DESTDIR=* | PREFIX=* | LIBDIR=* | SHAREDIR=* | PLUGINDIR=* | NAGIOS_CONFDIR=* | XINETD_DIR=* | \
            CONFDIR=* | STATEDIR=* | LOGDIR=* | SERVICES_FILE=* | LISTENER_USER=*)
            eval "${setting%%=*}=\${setting#*=}" ;;
        *) echo "install.sh: unknown setting '$setting' (see the head of install.sh)" >&2; exit 2 ;;
    esac
done
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
LIBDIR=${LIBDIR:-$PREFIX/lib/selfheal}
SHAREDIR=${SHAREDIR:-$PREFIX/share/selfheal}
PLUGINDIR=${PLUGINDIR:-/usr/lib/nagios/plugins}
NAGIOS_CONFDIR=${NAGIOS_CONFDIR:-/etc/nagios4/conf.d}
XINETD_DIR=${XINETD_DIR:-/etc/xinetd.d}
CONFDIR=${CONFDIR:-/etc/selfheal}
STATEDIR=${STATEDIR:-/var/lib/selfheal}
LOGDIR=${LOGDIR:-/var/log/selfheal}
SERVICES_FILE=${SERVICES_FILE:-/etc/services}
LISTENER_USER=${LISTENER_USER:-selfheal}

src=$(dirname "$(readlink -f "$0")")
manifest=$LIBDIR/install.manifest

die() {
    echo "install.sh: $*" >&2
    exit 1
}

for path in "$PREFIX" "$LIBDIR" "$SHAREDIR" "$PLUGINDIR" "$NAGIOS_CONFDIR" "$XINETD_DIR" "$CONFDIR" \
    "$STATEDIR" "$LOGDIR" "$SERVICES_FILE"; do
    case $path in /*) ;; *) die "paths must be absolute, got '$path'" ;; esac
done
for built in check-worker/target/check-worker.jar command-listener/target/command-listener.jar; do
    [ -r "$src/$built" ] || die "$built missing: build first with mvn -B -q package -DskipTests"
done
for part in check-worker/bin/check_worker check-worker/bin/check_listener check-worker/bin/check-service \
    check-worker/bin/check-service-client command-listener/bin/command-listener \
    launcher/launch.sh launcher/make-archives nagios-config/selfheal-event-handler nagios-config/nagios/selfheal-commands.cfg \
    nagios-config/nagios/selfheal-templates.cfg xinetd.d/selfheal xinetd.d/selfheal-resident services.fragment \
    command-listener/examples/listener.properties command-listener/examples/sudoers.example uninstall; do
    [ -r "$src/$part" ] || die "$part missing from the checkout"
done

# Files are recorded without DESTDIR: the manifest describes the installed system.
mkdir -p "$DESTDIR$LIBDIR"
: >"$DESTDIR$manifest.new"
record() {
    echo "$1 $2" >>"$DESTDIR$manifest.new"
}

# put MODE SOURCE TARGET: copies SOURCE to TARGET (under DESTDIR), records it.
put() {
    mkdir -p "$DESTDIR$(dirname "$3")"
    cp "$2" "$DESTDIR$3.tmp"
    chmod "$1" "$DESTDIR$3.tmp"
    mv -f "$DESTDIR$3.tmp" "$DESTDIR$3"
    record file "$3"
}

# put_edited MODE SOURCE TARGET SED-SCRIPT: put, with installed paths written in.
put_edited() {
    mkdir -p "$DESTDIR$(dirname "$3")"
    sed "$4" "$2" >"$DESTDIR$3.tmp"
    chmod "$1" "$DESTDIR$3.tmp"
    mv -f "$DESTDIR$3.tmp" "$DESTDIR$3"
    record file "$3"
}

# link TARGET NAME: NAME -> TARGET as a relative link, so it also resolves inside DESTDIR.
link() {
    mkdir -p "$DESTDIR$(dirname "$2")"
    relative=$(realpath -m --relative-to="$(dirname "$2")" "$1")
    ln -sfn "$relative" "$DESTDIR$2"
    record link "$2"
}

# The launchers find launch.sh and their jar beside themselves (their own directory, links resolved).
put 644 "$src/check-worker/target/check-worker.jar" "$LIBDIR/check-worker.jar"
put 644 "$src/command-listener/target/command-listener.jar" "$LIBDIR/command-listener.jar"
put 644 "$src/launcher/launch.sh" "$LIBDIR/launch.sh"
put 755 "$src/launcher/make-archives" "$LIBDIR/make-archives"
put 755 "$src/check-worker/bin/check_worker" "$LIBDIR/check_worker"
put 755 "$src/check-worker/bin/check_listener" "$LIBDIR/check_listener"
put 755 "$src/check-worker/bin/check-service" "$LIBDIR/check-service"
put 755 "$src/check-worker/bin/check-service-client" "$LIBDIR/check-service-client"
put 755 "$src/command-listener/bin/command-listener" "$LIBDIR/command-listener"
put 755 "$src/nagios-config/selfheal-event-handler" "$LIBDIR/selfheal-event-handler"
put 755 "$src/uninstall" "$LIBDIR/uninstall"

link "$LIBDIR/check_worker" "$PLUGINDIR/check_worker"
link "$LIBDIR/check_listener" "$PLUGINDIR/check_listener"
link "$LIBDIR/selfheal-event-handler" "$PLUGINDIR/selfheal-event-handler"

put 644 "$src/nagios-config/nagios/selfheal-commands.cfg" "$NAGIOS_CONFDIR/selfheal-commands.cfg"
put 644 "$src/nagios-config/nagios/selfheal-templates.cfg" "$NAGIOS_CONFDIR/selfheal-templates.cfg"

paths="s#/usr/local/lib/selfheal/#$LIBDIR/#g"
paths="$paths; s#/etc/selfheal/#$CONFDIR/#g"
put_edited 644 "$src/xinetd.d/selfheal" "$XINETD_DIR/selfheal" "$paths"

# Examples and alternatives, inactive until an operator copies them into place.
put 644 "$src/nagios-config/nagios/selfheal-foo.cfg" "$SHAREDIR/nagios/selfheal-foo.cfg"
for conf in "$src"/nagios-config/icinga2/*.conf; do
    put 644 "$conf" "$SHAREDIR/icinga2/$(basename "$conf")"
done
for unit in "$src"/systemd/*; do
    [ -e "$unit" ] || continue
    put_edited 644 "$unit" "$SHAREDIR/systemd/$(basename "$unit")" "$paths"
done
put_edited 644 "$src/xinetd.d/selfheal-resident" "$SHAREDIR/xinetd.d/selfheal-resident" "$paths"
put 644 "$src/services.fragment" "$SHAREDIR/services.fragment"
listener_example=$SHAREDIR/listener.properties.example
put_edited 644 "$src/command-listener/examples/listener.properties" "$listener_example" \
    "s#/var/lib/selfheal#$STATEDIR#g; s#/var/log/selfheal#$LOGDIR#g"
put_edited 644 "$src/command-listener/examples/sudoers.example" "$SHAREDIR/sudoers.example" \
    "s/^Defaults:selfheal /Defaults:$LISTENER_USER /; s/^selfheal /$LISTENER_USER /"

# The whitelist is the operator's: written once, never overwritten, kept by uninstall.
if [ ! -e "$DESTDIR$CONFDIR/listener.properties" ]; then
    mkdir -p "$DESTDIR$CONFDIR"
    cp "$DESTDIR$listener_example" "$DESTDIR$CONFDIR/listener.properties"
    chmod 640 "$DESTDIR$CONFDIR/listener.properties"
    wrote_config=yes
fi

mkdir -p "$DESTDIR$STATEDIR" "$DESTDIR$LOGDIR"
chmod 750 "$DESTDIR$STATEDIR" "$DESTDIR$LOGDIR"
if id "$LISTENER_USER" >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    chown "$LISTENER_USER:" "$DESTDIR$STATEDIR" "$DESTDIR$LOGDIR"
    [ -z "${wrote_config:-}" ] || chgrp "$(id -gn "$LISTENER_USER")" "$DESTDIR$CONFDIR/listener.properties"
fi

# The port's name for xinetd (its service file says "service selfheal" without a port).
if [ -f "$DESTDIR$SERVICES_FILE" ]; then
    if grep -Eq '^selfheal[[:space:]]' "$DESTDIR$SERVICES_FILE"; then
        echo "install.sh: $SERVICES_FILE already names selfheal; left as it is"
    else
        line=$(grep -E '^selfheal[[:space:]]' "$src/services.fragment")
        echo "$line" >>"$DESTDIR$SERVICES_FILE"
        record line "$SERVICES_FILE $line"
    fi
else
    echo "install.sh: no $SERVICES_FILE; append $SHAREDIR/services.fragment to yours"
fi

# Start-up archives are tied to each jar's installed path and checksum, so they are made here, on the
# installed jars, never under a DESTDIR (a staged path would not match at run time). Their names change
# with every jar and JDK, so the manifest names their directory; uninstall removes what is in it.
record archives "$LIBDIR"
if [ -z "$DESTDIR" ]; then
    "$LIBDIR/make-archives" --quiet "$LIBDIR/check-worker.jar" "$LIBDIR/command-listener.jar" ||
        echo "install.sh: make-archives failed; the programs run correctly without start-up archives, only slower"
else
    archives_later=yes
fi

record file "$manifest"
mv -f "$DESTDIR$manifest.new" "$DESTDIR$manifest"

cat <<EOF
install.sh: installed selfheal into ${DESTDIR:-/} (files listed in $manifest).
Next (README.md, "Install"): create the user $LISTENER_USER, edit $CONFDIR/listener.properties,
check it with $LIBDIR/command-listener --check-config $CONFDIR/listener.properties, add the sudo rule
($SHAREDIR/sudoers.example), reload xinetd, define your services in Nagios and reload it.
EOF
if [ -n "${archives_later:-}" ]; then
    echo "Once installed at $LIBDIR, make the start-up archives there (about 20 s):"
    echo "  $LIBDIR/make-archives $LIBDIR/check-worker.jar $LIBDIR/command-listener.jar"
fi
