#!/bin/sh
# install.sh: installs selfheal from a built checkout (mvn -B -q package -DskipTests first).
#
# usage: ./install.sh [ROLE] [NAME=VALUE ...]     (settings also read from the environment; arguments win)
#   ROLE  listener  a worker host: the command-listener (xinetd file, listener.properties, the workers.d
#                   directory for each worker's drop-in, state and log directories, the services line), its
#                   systemd units and the local watch
#         plugins   the monitoring server: check_worker, check_listener, the event handler, the check
#                   service, selfheal-discover (also linked as PREFIX/bin/selfheal-discover), the Nagios
#                   templates and commands, the Icinga 2 objects
#         all       both, e.g. for a one-host trial (the default)
#   DESTDIR         staging root prepended to every path (packaging, tests)            (empty)
#   PREFIX          where the programs go                                              (/usr/local)
#   LIBDIR          jars, launch.sh, launchers, event handler, uninstall, manifest    ($PREFIX/lib/selfheal)
#                   (selfheal-discover is linked from $PREFIX/bin)
#   SHAREDIR        examples: Icinga 2 objects, systemd units, sudo rule, foo objects  ($PREFIX/share/selfheal)
#   PLUGINDIR       Nagios' $USER1$: links to check_worker, check_listener, handler   (/usr/lib/nagios/plugins)
#   NAGIOS_CONFDIR  a cfg_dir of Nagios: selfheal-commands.cfg, selfheal-templates.cfg (/etc/nagios4/conf.d)
#   XINETD_DIR      the xinetd service file "selfheal"                                 (/etc/xinetd.d)
#   CONFDIR         listener.properties (installed only if there is none), workers.d/ (/etc/selfheal)
#   STATEDIR        the listener's state.dir                                           (/var/lib/selfheal)
#   LOGDIR          the listener's audit log directory                                 (/var/log/selfheal)
#   SERVICES_FILE   gets the line "selfheal 5669/tcp" unless it names selfheal already (/etc/services)
#   LISTENER_USER   owner of STATEDIR and LOGDIR, if that user exists                  (selfheal)
#
# Every file it writes is listed in LIBDIR/install.manifest; LIBDIR/uninstall (or ./uninstall with the same
# settings) removes exactly those, and the services line. listener.properties and workers.d are kept: they
# are yours. A file
# you may edit in place (the xinetd service, the Nagios objects) is replaced on a later run only while it is
# as installed; once edited it is kept and the new one is put beside it as FILE.selfheal-new, as dpkg does.
# It starts, stops and reloads nothing: see README.md for the steps after it.
set -eu

role=all
case ${1:-} in listener | plugins | all) role=$1; shift ;; esac
for setting in "$@"; do
    case $setting in
        DESTDIR=* | PREFIX=* | LIBDIR=* | SHAREDIR=* | PLUGINDIR=* | NAGIOS_CONFDIR=* | XINETD_DIR=* | \
            CONFDIR=* | STATEDIR=* | LOGDIR=* | SERVICES_FILE=* | LISTENER_USER=*)
            eval "${setting%%=*}=\${setting#*=}" ;;
        *) echo "install.sh: unknown role or setting '$setting' (see the head of install.sh)" >&2; exit 2 ;;
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
listener=no plugins=no
[ "$role" = plugins ] || listener=yes
[ "$role" = listener ] || plugins=yes

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
    check-worker/bin/check-service-client check-worker/bin/selfheal-discover command-listener/bin/command-listener \
    launcher/launch.sh launcher/make-archives nagios-config/selfheal-event-handler nagios-config/nagios/selfheal-commands.cfg \
    nagios-config/nagios/selfheal-templates.cfg xinetd.d/selfheal xinetd.d/selfheal-resident services.fragment \
    command-listener/examples/listener.properties command-listener/examples/sudoers.example uninstall; do
    [ -r "$src/$part" ] || die "$part missing from the checkout"
done

# Files are recorded without DESTDIR: the manifest describes the installed system. The previous manifest
# says what an earlier run installed: which editable files are still as installed, which line it added.
mkdir -p "$DESTDIR$LIBDIR"
: >"$DESTDIR$manifest.new"
previous=
[ ! -r "$DESTDIR$manifest" ] || previous=$(cat "$DESTDIR$manifest")
record() {
    echo "$1 $2" >>"$DESTDIR$manifest.new"
}

# put_conf MODE SOURCE TARGET [SED-SCRIPT]: a file the operator may edit in place. Installed when absent or
# still as an earlier run installed it (its checksum in the previous manifest); once edited, it is kept and
# the new one goes beside it as TARGET.selfheal-new. Recorded with the checksum of what it installed.
put_conf() {
    mkdir -p "$DESTDIR$(dirname "$3")"
    sed "${4:-}" "$2" >"$DESTDIR$3.tmp"
    chmod "$1" "$DESTDIR$3.tmp"
    new_sum=$(sha256sum <"$DESTDIR$3.tmp" | cut -d' ' -f1)
    if [ -e "$DESTDIR$3" ]; then
        have_sum=$(sha256sum <"$DESTDIR$3" | cut -d' ' -f1)
        was_sum=$(printf '%s\n' "$previous" | awk -v f="$3" '$1 == "conffile" && $2 == f { print $3 }')
        if [ "$have_sum" != "$new_sum" ] && [ "$have_sum" != "$was_sum" ]; then
            mv -f "$DESTDIR$3.tmp" "$DESTDIR$3.selfheal-new"
            echo "install.sh: $3 was edited: kept; the new one is $3.selfheal-new (compare, merge, remove it)"
            record conffile "$3 ${was_sum:-$have_sum}"
            record file "$3.selfheal-new"
            return
        fi
    fi
    mv -f "$DESTDIR$3.tmp" "$DESTDIR$3"
    rm -f "$DESTDIR$3.selfheal-new"
    record conffile "$3 $new_sum"
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
# check-worker.jar goes to both roles: the listener's watch reads workers with check_worker's own code.
put 644 "$src/check-worker/target/check-worker.jar" "$LIBDIR/check-worker.jar"
put 644 "$src/launcher/launch.sh" "$LIBDIR/launch.sh"
put 755 "$src/launcher/make-archives" "$LIBDIR/make-archives"
put 755 "$src/scripts/selfheal-certs" "$LIBDIR/selfheal-certs"
put 755 "$src/uninstall" "$LIBDIR/uninstall"
paths="s#/usr/local/lib/selfheal/#$LIBDIR/#g"
paths="$paths; s#/etc/selfheal/#$CONFDIR/#g"
jars="$LIBDIR/check-worker.jar"

if [ "$plugins" = yes ]; then
    put 755 "$src/check-worker/bin/check_worker" "$LIBDIR/check_worker"
    put 755 "$src/check-worker/bin/check_listener" "$LIBDIR/check_listener"
    put 755 "$src/check-worker/bin/check-service" "$LIBDIR/check-service"
    put 755 "$src/check-worker/bin/check-service-client" "$LIBDIR/check-service-client"
    put 755 "$src/nagios-config/selfheal-event-handler" "$LIBDIR/selfheal-event-handler"
    put 755 "$src/check-worker/bin/selfheal-discover" "$LIBDIR/selfheal-discover"
    link "$LIBDIR/selfheal-discover" "$PREFIX/bin/selfheal-discover"
    link "$LIBDIR/check_worker" "$PLUGINDIR/check_worker"
    link "$LIBDIR/check_listener" "$PLUGINDIR/check_listener"
    link "$LIBDIR/selfheal-event-handler" "$PLUGINDIR/selfheal-event-handler"
    put_conf 644 "$src/nagios-config/nagios/selfheal-commands.cfg" "$NAGIOS_CONFDIR/selfheal-commands.cfg"
    put_conf 644 "$src/nagios-config/nagios/selfheal-templates.cfg" "$NAGIOS_CONFDIR/selfheal-templates.cfg"
    # Examples, inactive until an operator copies them into place.
    put 644 "$src/nagios-config/nagios/selfheal-foo.cfg" "$SHAREDIR/nagios/selfheal-foo.cfg"
    for conf in "$src"/nagios-config/icinga2/*.conf; do
        put 644 "$conf" "$SHAREDIR/icinga2/$(basename "$conf")"
    done
    put_edited 644 "$src/systemd/selfheal-checks.service" "$SHAREDIR/systemd/selfheal-checks.service" "$paths"
fi

if [ "$listener" = yes ]; then
    put 644 "$src/command-listener/target/command-listener.jar" "$LIBDIR/command-listener.jar"
    put 755 "$src/command-listener/bin/command-listener" "$LIBDIR/command-listener"
    jars="$jars $LIBDIR/command-listener.jar"
    put_conf 644 "$src/xinetd.d/selfheal" "$XINETD_DIR/selfheal" "$paths"
    for unit in "$src"/systemd/*; do
        case ${unit##*/} in selfheal-checks.service) continue ;; esac
        put_edited 644 "$unit" "$SHAREDIR/systemd/$(basename "$unit")" "$paths"
    done
    put_edited 644 "$src/xinetd.d/selfheal-resident" "$SHAREDIR/xinetd.d/selfheal-resident" "$paths"
    put 644 "$src/services.fragment" "$SHAREDIR/services.fragment"
    listener_example=$SHAREDIR/listener.properties.example
    put_edited 644 "$src/command-listener/examples/listener.properties" "$listener_example" \
        "s#/var/lib/selfheal#$STATEDIR#g; s#/var/log/selfheal#$LOGDIR#g"
    put_edited 644 "$src/command-listener/examples/sudoers.example" "$SHAREDIR/sudoers.example" \
        "s/^Defaults:selfheal /Defaults:$LISTENER_USER /; s/^selfheal /$LISTENER_USER /"
fi

if [ "$listener" = yes ]; then
    # The whitelist is the operator's: written once, never overwritten, kept by uninstall.
    if [ ! -e "$DESTDIR$CONFDIR/listener.properties" ]; then
        mkdir -p "$DESTDIR$CONFDIR"
        cp "$DESTDIR$listener_example" "$DESTDIR$CONFDIR/listener.properties"
        chmod 640 "$DESTDIR$CONFDIR/listener.properties"
    fi
    # Each worker's package (or configuration management) drops its own NAME.properties here; root's, as the
    # listener demands of what decides what it runs, and kept by uninstall as the whitelist is.
    if [ ! -d "$DESTDIR$CONFDIR/workers.d" ]; then
        mkdir -p "$DESTDIR$CONFDIR/workers.d"
        chmod 755 "$DESTDIR$CONFDIR/workers.d"
    fi

    mkdir -p "$DESTDIR$STATEDIR" "$DESTDIR$LOGDIR"
    chmod 750 "$DESTDIR$STATEDIR" "$DESTDIR$LOGDIR"
    # Whether the user was made before or after the first run: on every run the directories become its, and
    # the whitelist readable by its group (only while still in root's group: a group you chose stays).
    if ! id "$LISTENER_USER" >/dev/null 2>&1; then
        echo "install.sh: no user $LISTENER_USER yet: make it (adduser --system --group --no-create-home $LISTENER_USER)"
        echo "  and run install.sh again; it then owns $STATEDIR and $LOGDIR and may read $CONFDIR/listener.properties"
    elif [ "$(id -u)" -eq 0 ]; then
        chown "$LISTENER_USER:" "$DESTDIR$STATEDIR" "$DESTDIR$LOGDIR"
        if [ "$(stat -c %g "$DESTDIR$CONFDIR/listener.properties")" = 0 ]; then
            chgrp "$(id -gn "$LISTENER_USER")" "$DESTDIR$CONFDIR/listener.properties"
            chmod g+r "$DESTDIR$CONFDIR/listener.properties"
        fi
    fi
    command -v sudo >/dev/null 2>&1 || [ -n "$DESTDIR" ] ||
        echo "install.sh: sudo is not installed; the example commands run through /usr/bin/sudo -n (apt-get install sudo)"

    # The port's name for xinetd (its service file says "service selfheal" without a port). A line an earlier
    # run added stays in the manifest, so that uninstall still removes it.
    if [ -f "$DESTDIR$SERVICES_FILE" ]; then
        line=$(grep -E '^selfheal[[:space:]]' "$src/services.fragment")
        if grep -qxF -- "$line" "$DESTDIR$SERVICES_FILE" &&
            printf '%s\n' "$previous" | grep -qxF -- "line $SERVICES_FILE $line"; then
            record line "$SERVICES_FILE $line"
        elif grep -Eq '^selfheal[[:space:]]' "$DESTDIR$SERVICES_FILE"; then
            echo "install.sh: $SERVICES_FILE already names selfheal; left as it is"
        else
            echo "$line" >>"$DESTDIR$SERVICES_FILE"
            record line "$SERVICES_FILE $line"
        fi
    else
        echo "install.sh: no $SERVICES_FILE; append $SHAREDIR/services.fragment to yours"
    fi
fi

# Start-up archives are tied to each jar's installed path and checksum, so they are made here, on the
# installed jars, never under a DESTDIR (a staged path would not match at run time). Their names change
# with every jar and JDK, so the manifest names their directory; uninstall removes what is in it.
record archives "$LIBDIR"
if [ -z "$DESTDIR" ]; then
    # shellcheck disable=SC2086 # two paths without spaces (checked absolute above)
    "$LIBDIR/make-archives" --quiet $jars ||
        echo "install.sh: make-archives failed; the programs run correctly without start-up archives, only slower"
else
    archives_later=yes
fi

record file "$manifest"
mv -f "$DESTDIR$manifest.new" "$DESTDIR$manifest"

echo "install.sh: installed selfheal ($role) into ${DESTDIR:-/} (files listed in $manifest)."
if [ "$listener" = yes ]; then
    cat <<EOF
Next on this worker host (README.md, "Install"): edit $CONFDIR/listener.properties (or drop each worker's
NAME.properties into $CONFDIR/workers.d: command-listener/README.md, "Drop-ins"), check it with
$LIBDIR/command-listener --check-config $CONFDIR/listener.properties, add the sudo rule
($SHAREDIR/sudoers.example), then reload xinetd (systemd: systemctl reload xinetd; without systemd:
/etc/init.d/xinetd reload, or kill -HUP its pid).
EOF
fi
if [ "$plugins" = yes ]; then
    cat <<EOF
Next on the monitoring server: define your services with the templates (or let $PREFIX/bin/selfheal-discover
write them from the listeners: nagios-config/README.md, "Discovery"), check them with
nagios4 -v /etc/nagios4/nagios.cfg, then reload Nagios (systemctl reload nagios4, or /etc/init.d/nagios4 reload).
EOF
fi
if [ -n "${archives_later:-}" ]; then
    echo "Once installed at $LIBDIR, make the start-up archives there (about 20 s):"
    echo "  $LIBDIR/make-archives $jars"
fi
