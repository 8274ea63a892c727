# modem-doctor collector: gathers what a diagnosis needs, in one run, read-only.
#
# Runs under BusyBox ash (OpenWrt), dash and bash. Nothing is installed or changed on the
# host: the only write is a private scratch directory under /tmp (RAM on OpenWrt), removed
# on exit. modem-doctor sends this script on the standard input of ONE SSH session
# (`sh -s`) or runs it locally; `modem-doctor collect --print-script` prints it so it can
# also be run by hand (`sh collector.sh > out.txt`).
#
# Output is one stream of frames, byte-counted so any content (binary, no trailing
# newline) survives:
#
#   ==MD== NONCE begin v=1 uid=UID ms=UPTIME_MS
#   ==MD== NONCE cap ID rc=RC ms=DURATION out=OUTBYTES err=ERRBYTES flags=FLAGS
#   COMMAND (one line)
#   <OUTBYTES bytes of standard output><ERRBYTES bytes of standard error>
#   ...
#   ==MD== NONCE end ms=UPTIME_MS
#
# RC is the command's exit status, or '-' when it was killed. FLAGS is a comma list of
# timeout (killed by the watchdog), truncated (output cut at the size bound), or '-'.
#
# Every capture has a time bound and a size bound. The time bound is a watchdog that ends
# the capture's whole process tree (found through /proc), not only its first process: a
# capture may be a pipeline or a shell function, and BusyBox `timeout` (when it is built
# in at all) would end only its direct child and leave the rest holding the output pipe.
# The size bound is `head -c`; the writer then dies of SIGPIPE.
#
# Settings (environment or variables set before this text):
#   MD_ROOT      prefix for every file read (tests run this against a fake root); empty
#   MD_TIMEOUT   default seconds per capture (10)
#   MD_MAX       default byte bound per capture (1048576)

R=${MD_ROOT:-}
MD_TIMEOUT=${MD_TIMEOUT:-10}
MD_MAX=${MD_MAX:-1048576}
MD_ERR_MAX=4096

md_ms() {
	# Milliseconds of uptime: /proc/uptime is always there, `date +%N` is not.
	read -r md_up md_rest < /proc/uptime 2>/dev/null || { echo 0; return; }
	case $md_up in
	*.?) echo "${md_up%.*}${md_up#*.}00" ;;
	*.??) echo "${md_up%.*}${md_up#*.}0" ;;
	*) echo "${md_up}000" ;;
	esac
}

md_children() {
	# PIDs whose parent is $1 (field 4 of /proc/PID/stat, after the command in parentheses).
	for md_s in /proc/[0-9]*/stat; do
		read -r md_l < "$md_s" 2>/dev/null || continue
		md_l=${md_l##*) }
		set -- $md_l
		if [ "$2" = "$md_parent" ]; then
			md_p=${md_s#/proc/}
			echo "${md_p%/stat}"
		fi
	done
}

md_tree() {
	# $1 and all its descendants, parents first.
	echo "$1"
	md_parent=$1
	for md_c in $(md_children); do
		md_tree "$md_c"
	done
}

md_killtree() {
	[ -n "$1" ] || return 0
	md_pids=$(md_tree "$1")
	kill -TERM $md_pids 2>/dev/null
	sleep 1
	kill -KILL $md_pids 2>/dev/null
	return 0
}

md_run() {
	# md_run ID TIMEOUT MAXBYTES COMMAND: one capture, bounded, recorded, never fatal.
	md_id=$1
	md_tmo=${2:-$MD_TIMEOUT}
	md_max=${3:-$MD_MAX}
	md_cmd=$4
	rm -f "$W/p" "$W/rc" "$W/to" "$W/s" "$W/stop"
	md_t0=$(md_ms)
	# The subshell learns its own PID from a child's PPID ($$ is the script's PID).
	(
		sh -c 'echo $PPID' > "$W/p"
		eval "$md_cmd"
		echo $? > "$W/rc"
	) < /dev/null 2> "$W/e" | head -c "$md_max" > "$W/o" &
	md_bg=$!
	# The watchdog: a sleep whose PID is written down, so that it can be ended when the
	# capture finishes first (no signal races, no sleeping leftovers).
	(
		sleep "$md_tmo" &
		echo $! > "$W/s"
		wait $!
		[ -e "$W/stop" ] && exit 0
		: > "$W/to"
		md_killtree "$(cat "$W/p" 2>/dev/null)"
	) < /dev/null > /dev/null 2>&1 &
	md_wd=$!
	wait "$md_bg"
	: > "$W/stop"
	md_n=0
	while [ ! -s "$W/s" ] && [ "$md_n" -lt 5000 ]; do md_n=$((md_n + 1)); done
	md_sl=
	[ -s "$W/s" ] && read -r md_sl < "$W/s"
	[ -n "$md_sl" ] && kill "$md_sl" 2>/dev/null
	wait "$md_wd" 2>/dev/null
	md_t1=$(md_ms)
	md_rc=-
	[ -s "$W/rc" ] && read -r md_rc < "$W/rc"
	md_flags=
	[ -e "$W/to" ] && md_flags=timeout
	md_out=$(($(wc -c < "$W/o")))
	if [ "$md_out" -ge "$md_max" ]; then
		md_flags=${md_flags:+$md_flags,}truncated
		# The writer may still be alive between its last write and SIGPIPE.
		[ -s "$W/rc" ] || md_killtree "$(cat "$W/p" 2>/dev/null)"
	fi
	md_err=$(($(wc -c < "$W/e")))
	[ "$md_err" -gt "$MD_ERR_MAX" ] && md_err=$MD_ERR_MAX
	printf '==MD== %s cap %s rc=%s ms=%s out=%s err=%s flags=%s\n' "$MD_NONCE" "$md_id" "$md_rc" \
		$((md_t1 - md_t0)) "$md_out" "$md_err" "${md_flags:--}"
	printf '%s\n' "$md_cmd" | tr '\n' ' '
	echo
	cat "$W/o"
	head -c "$md_err" "$W/e"
	return 0
}

md_ok() {
	# True when capture $1 ran, exited 0 and printed something (see md_run's files).
	[ "$md_rc" = 0 ] && [ "$md_out" -gt 0 ] && [ "$md_id" = "$1" ]
}

md_cls() {
	# The kernel's short class names, as /sys/kernel/debug/usb/devices prints them.
	case $1 in
	00) echo '>ifc ' ;; 01) echo 'audio' ;; 02) echo 'commc' ;; 03) echo 'HID  ' ;;
	05) echo 'PID  ' ;; 06) echo 'still' ;; 07) echo 'print' ;; 08) echo 'stor.' ;;
	09) echo 'hub  ' ;; 0a) echo 'data ' ;; 0b) echo 'scard' ;; 0d) echo 'c-sec' ;;
	0e) echo 'video' ;; dc) echo 'diagd' ;; e0) echo 'wlcon' ;; ef) echo 'misc ' ;;
	fe) echo 'app. ' ;; ff) echo 'vend.' ;; *) echo 'unk. ' ;;
	esac
}

md_get() {
	# A sysfs attribute, or $2 when it is missing or unreadable.
	md_v=
	[ -r "$1" ] && read -r md_v < "$1" 2>/dev/null
	echo "${md_v:-$2}"
}

md_hex2dec() {
	printf '%d' "0x${1:-0}" 2>/dev/null || echo 0
}

md_usb_device() {
	# One device directory in the lettered format of /sys/kernel/debug/usb/devices.
	d=$1
	name=${d##*/}
	bus=$(md_get "$d/busnum" "")
	devnum=$(md_get "$d/devnum" 0)
	case $name in
	usb*)
		bus=${bus:-${name#usb}}
		lev=0 prnt=0 port=0
		;;
	*)
		bus=${bus:-${name%%-*}}
		ports=${name#*-}
		lev=1
		rest=$ports
		while [ "$rest" != "${rest#*.}" ]; do
			lev=$((lev + 1))
			rest=${rest#*.}
		done
		port=$((rest - 1))
		if [ "$lev" = 1 ]; then
			parent="$R/sys/bus/usb/devices/usb$bus"
		else
			parent="$R/sys/bus/usb/devices/$bus-${ports%.*}"
		fi
		prnt=$(md_get "$parent/devnum" 0)
		;;
	esac
	printf '\nT:  Bus=%02d Lev=%02d Prnt=%02d Port=%02d Cnt=%02d Dev#=%3d Spd=%-4s MxCh=%2d\n' \
		"$bus" "$lev" "$prnt" "$port" 0 "$devnum" "$(md_get "$d/speed" '')" "$(md_get "$d/maxchild" 0)"
	cls=$(md_get "$d/bDeviceClass" 00)
	printf 'D:  Ver=%5s Cls=%s(%s) Sub=%s Prot=%s MxPS=%2d #Cfgs=%3d\n' "$(md_get "$d/version" '')" \
		"$cls" "$(md_cls "$cls")" "$(md_get "$d/bDeviceSubClass" 00)" "$(md_get "$d/bDeviceProtocol" 00)" \
		"$(md_get "$d/bMaxPacketSize0" 0)" "$(md_get "$d/bNumConfigurations" 0)"
	rev=$(md_get "$d/bcdDevice" 0000)
	printf 'P:  Vendor=%s ProdID=%s Rev=%s.%s\n' "$(md_get "$d/idVendor" 0000)" \
		"$(md_get "$d/idProduct" 0000)" "${rev%??}" "${rev#??}"
	for attr in manufacturer:Manufacturer product:Product serial:SerialNumber; do
		v=$(md_get "$d/${attr%%:*}" '')
		[ -n "$v" ] && printf 'S:  %s=%s\n' "${attr#*:}" "$v"
	done
	cfg=$(md_get "$d/bConfigurationValue" '')
	[ -n "$cfg" ] || return 0
	printf 'C:  #Ifs=%2d Cfg#=%2d Atr=%s MxPwr=%s\n' "$(md_get "$d/bNumInterfaces" 0)" "$cfg" \
		"$(md_get "$d/bmAttributes" 00)" "$(md_get "$d/bMaxPower" 0mA)"
	for i in "$d"/*:"$cfg".*; do
		[ -d "$i" ] || continue
		drv=
		[ -L "$i/driver" ] && drv=$(readlink "$i/driver") && drv=${drv##*/}
		icls=$(md_get "$i/bInterfaceClass" 00)
		printf 'I:  If#=%2d Alt=%2d #EPs=%2d Cls=%s(%s) Sub=%s Prot=%s Driver=%s\n' \
			"$(md_hex2dec "$(md_get "$i/bInterfaceNumber" 00)")" "$(md_get "$i/bAlternateSetting" 0)" \
			"$(md_hex2dec "$(md_get "$i/bNumEndpoints" 00)")" "$icls" "$(md_cls "$icls")" \
			"$(md_get "$i/bInterfaceSubClass" 00)" "$(md_get "$i/bInterfaceProtocol" 00)" "${drv:-(none)}"
		for e in "$i"/ep_*; do
			[ -d "$e" ] || continue
			atr=$(md_get "$e/bmAttributes" 00)
			case $(( $(md_hex2dec "$atr") & 3 )) in
			0) an=Ctrl ;; 1) an=Isoc ;; 2) an=Bulk ;; *) an=Int. ;;
			esac
			ad=$(md_get "$e/bEndpointAddress" 00)
			dir=O
			[ $(( $(md_hex2dec "$ad") & 128 )) -ne 0 ] && dir=I
			printf 'E:  Ad=%s(%s) Atr=%s(%s) MxPS=%4d Ivl=%s\n' "$ad" "$dir" "$atr" "$an" \
				"$(md_hex2dec "$(md_get "$e/wMaxPacketSize" 0)")" "$(md_get "$e/interval" 0ms)"
		done
	done
}

md_usb_sysfs() {
	# The USB listing rebuilt from /sys/bus/usb/devices when debugfs is not readable
	# (not mounted, or not root). sysfs holds only the active configuration of each
	# device, so the other configurations cannot be shown: the first line says so.
	echo '# modem-doctor: rebuilt from /sys/bus/usb/devices; only the active configuration of each device is visible'
	for root in "$R"/sys/bus/usb/devices/usb*; do
		[ -d "$root" ] || continue
		md_usb_device "$root"
		b=${root##*/usb}
		for d in "$R"/sys/bus/usb/devices/"$b"-*; do
			case ${d##*/} in *:*) continue ;; esac
			[ -d "$d" ] && md_usb_device "$d"
		done
	done
}

md_modem_ifaces() {
	# UCI interfaces whose proto drives a modem; from `uci` when present, else the file.
	if command -v uci > /dev/null 2>&1; then
		uci -q show network 2> /dev/null | awk -F'[.=]' '$3 == "proto" {
			v = $4; gsub("\047", "", v)
			if (v ~ /^(qmi|mbim|ncm|3g|modemmanager|wwan)$/) print $2 }'
	else
		awk '$1 == "config" { s = $3; gsub("[\047\"]", "", s) }
			$1 == "option" && $2 == "proto" { v = $3; gsub("[\047\"]", "", v)
			if (v ~ /^(qmi|mbim|ncm|3g|modemmanager|wwan)$/) print s }' "$R/etc/config/network" 2> /dev/null
	fi
}

md_raw_ip() {
	for f in "$R"/sys/class/net/*/qmi/raw_ip; do
		[ -e "$f" ] && echo "${f#"$R"}=$(cat "$f" 2>&1)"
	done
	return 0
}

md_procs() {
	# Processes of the cellular stack, read from /proc so BusyBox and procps agree.
	for p in "$R"/proc/[0-9]*; do
		read -r c < "$p/comm" 2> /dev/null || continue
		case $c in
		ModemManager | uqmi | qmi-proxy | umbim | mbim-proxy | qmicli | mbimcli | pppd | comgt | gcom)
			printf '%s %s\n' "${p##*/}" "$(tr '\000' ' ' < "$p/cmdline" 2> /dev/null)"
			;;
		esac
	done
	return 0
}

md_files() {
	# Each regular file under $1: a header line with its path, then its text.
	for f in "$1"/*; do
		[ -f "$f" ] || continue
		echo "==> ${f#"$R"} <=="
		cat "$f"
	done
	return 0
}

MD_NONCE=$(cat /proc/sys/kernel/random/uuid 2> /dev/null || echo "$$-$(md_ms)")
W=$(mktemp -d "${TMPDIR:-/tmp}/modem-doctor.XXXXXX" 2> /dev/null) || W=
if [ -z "$W" ] || [ ! -d "$W" ]; then
	echo "==MD== $MD_NONCE begin v=1 uid=$(id -u 2> /dev/null) ms=$(md_ms)"
	echo "==MD== $MD_NONCE fatal cannot create a scratch directory in ${TMPDIR:-/tmp}"
	exit 0
fi
trap 'rm -rf "$W"' EXIT
trap 'rm -rf "$W"; exit 130' INT TERM HUP
echo "==MD== $MD_NONCE begin v=1 uid=$(id -u 2> /dev/null) ms=$(md_ms)"

# @CAPTURES@

echo "==MD== $MD_NONCE end ms=$(md_ms)"
