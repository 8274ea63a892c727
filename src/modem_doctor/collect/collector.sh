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
# Every capture has a time bound and a size bound. The time bound is one watchdog process
# for the whole run (md_monitor, 1 s resolution) that ends the running capture's whole
# process tree (found through /proc), not only its first process: a capture may be a
# pipeline or a shell function, and BusyBox `timeout` (when it is built in at all) would
# end only its direct child and leave the rest holding the output pipe. The size bound is
# `head -c`; the writer then dies of SIGPIPE. Forks per capture are kept few (about five):
# routers have slow CPUs.
#
# Settings (environment or variables set before this text):
#   MD_ROOT      prefix for every file read (tests run this against a fake root); empty
#   MD_TIMEOUT   default seconds per capture (10)
#   MD_MAX       default byte bound per capture (1048576)

R=${MD_ROOT:-}
MD_TIMEOUT=${MD_TIMEOUT:-10}
MD_MAX=${MD_MAX:-1048576}
MD_ERR_MAX=4096

md_now() {
	# MD_NOW = milliseconds of uptime, without a fork: /proc/uptime is always there,
	# `date +%N` is not.
	MD_NOW=0
	read -r md_up md_rest < /proc/uptime 2>/dev/null || return 0
	case $md_up in
	*.?) MD_NOW=${md_up%.*}${md_up#*.}00 ;;
	*.??) MD_NOW=${md_up%.*}${md_up#*.}0 ;;
	*) MD_NOW=${md_up}000 ;;
	esac
	MD_NOW=$((MD_NOW + 0))
}

md_children() {
	# PIDs whose parent is $md_parent (field 4 of /proc/PID/stat, after the command name).
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

md_monitor() {
	# One watchdog for the whole run (not a process per capture): once a second it reads
	# which capture runs and its deadline; past it, it ends that capture's process tree.
	while :; do
		sleep 1
		[ -e "$W/done" ] && exit 0
		read -r md_seq md_dl < "$W/deadline" 2>/dev/null || continue
		[ "${md_dl:-0}" -gt 0 ] || continue
		md_now
		[ "$MD_NOW" -ge "$md_dl" ] || continue
		read -r md_victim < "$W/p" 2>/dev/null || continue
		read -r md_seq2 md_dl2 < "$W/deadline" 2>/dev/null
		[ "$md_seq2" = "$md_seq" ] || continue # that capture ended meanwhile
		echo "$md_seq" > "$W/to"
		md_killtree "$md_victim"
	done
}

MD_SEQ=0
md_run() {
	# md_run ID TIMEOUT MAXBYTES COMMAND: one capture, bounded, recorded, never fatal.
	md_id=$1
	md_tmo=${2:-$MD_TIMEOUT}
	md_max=${3:-$MD_MAX}
	md_cmd=$4
	MD_SEQ=$((MD_SEQ + 1))
	: > "$W/p"
	: > "$W/rc"
	md_now
	md_t0=$MD_NOW
	echo "$MD_SEQ $((md_t0 + md_tmo * 1000))" > "$W/deadline"
	# The subshell reads its own PID from /proc/self with a builtin ($$ is the script's).
	(
		read -r md_self md_rest < /proc/self/stat && echo "$md_self" > "$W/p"
		eval "$md_cmd"
		echo $? > "$W/rc"
	) < /dev/null 2> "$W/e" | head -c "$md_max" > "$W/o"
	echo "$MD_SEQ 0" > "$W/deadline"
	md_now
	md_t1=$MD_NOW
	md_rc=-
	[ -s "$W/rc" ] && read -r md_rc < "$W/rc"
	md_flags=
	md_to=
	[ -s "$W/to" ] && read -r md_to < "$W/to"
	[ "$md_to" = "$MD_SEQ" ] && md_flags=timeout
	# One fork for both sizes; relative names keep a space in $W out of the word split.
	set -- $(cd "$W" && wc -c o e)
	md_out=${1:-0}
	md_err=${3:-0}
	if [ "$md_out" -ge "$md_max" ]; then
		md_flags=${md_flags:+$md_flags,}truncated
		# The writer may still be alive between its last write and SIGPIPE.
		read -r md_victim < "$W/p" 2>/dev/null
		[ -s "$W/rc" ] || md_killtree "$md_victim"
	fi
	[ "$md_err" -gt "$MD_ERR_MAX" ] && md_err=$MD_ERR_MAX
	printf '==MD== %s cap %s rc=%s ms=%s out=%s err=%s flags=%s\n%s\n' "$MD_NONCE" "$md_id" "$md_rc" \
		$((md_t1 - md_t0)) "$md_out" "$md_err" "${md_flags:--}" "$md_cmd"
	[ "$md_out" -gt 0 ] && cat "$W/o"
	[ "$md_err" -gt 0 ] && head -c "$md_err" "$W/e"
	return 0
}

md_ok() {
	# True when capture $1 ran, exited 0 and printed something (see md_run's files).
	[ "$md_rc" = 0 ] && [ "$md_out" -gt 0 ] && [ "$md_id" = "$1" ]
}

md_cls() {
	# md_cls VAR CLASS: the kernel's short class names, as debugfs prints them.
	case $2 in
	00) md_c='>ifc ' ;; 01) md_c='audio' ;; 02) md_c='commc' ;; 03) md_c='HID  ' ;;
	05) md_c='PID  ' ;; 06) md_c='still' ;; 07) md_c='print' ;; 08) md_c='stor.' ;;
	09) md_c='hub  ' ;; 0a) md_c='data ' ;; 0b) md_c='scard' ;; 0d) md_c='c-sec' ;;
	0e) md_c='video' ;; dc) md_c='diagd' ;; e0) md_c='wlcon' ;; ef) md_c='misc ' ;;
	fe) md_c='app. ' ;; ff) md_c='vend.' ;; *) md_c='unk. ' ;;
	esac
	eval "$1=\$md_c"
}

md_get() {
	# md_get VAR FILE DEFAULT: VAR = the sysfs attribute, or DEFAULT when it is missing.
	# A builtin read, no command substitution: a router forks slowly and the walk reads
	# some thirty attributes per device.
	md_v=
	[ -r "$2" ] && read -r md_v < "$2" 2>/dev/null
	eval "$1=\${md_v:-\$3}"
}

md_hex() {
	# md_hex VAR HEX: VAR = the decimal value of a sysfs hex field.
	case $2 in
	*[!0-9a-fA-F]* | '') eval "$1=0" ;;
	*) eval "$1=\$((0x$2))" ;;
	esac
}

md_usb_device() {
	# One device directory in the lettered format of /sys/kernel/debug/usb/devices.
	d=$1
	name=${d##*/}
	md_get bus "$d/busnum" ''
	md_get devnum "$d/devnum" 0
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
		md_get prnt "$parent/devnum" 0
		;;
	esac
	md_get spd "$d/speed" ''
	md_get mxch "$d/maxchild" 0
	printf '\nT:  Bus=%02d Lev=%02d Prnt=%02d Port=%02d Cnt=%02d Dev#=%3d Spd=%-4s MxCh=%2d\n' \
		"$bus" "$lev" "$prnt" "$port" 0 "$devnum" "$spd" "$mxch"
	md_get ver "$d/version" ''
	md_get cls "$d/bDeviceClass" 00
	md_get sub "$d/bDeviceSubClass" 00
	md_get prot "$d/bDeviceProtocol" 00
	md_get mps "$d/bMaxPacketSize0" 0
	md_get ncfg "$d/bNumConfigurations" 0
	md_cls cn "$cls"
	printf 'D:  Ver=%5s Cls=%s(%s) Sub=%s Prot=%s MxPS=%2d #Cfgs=%3d\n' "$ver" "$cls" "$cn" "$sub" "$prot" "$mps" "$ncfg"
	md_get vid "$d/idVendor" 0000
	md_get pid "$d/idProduct" 0000
	md_get rev "$d/bcdDevice" 0000
	printf 'P:  Vendor=%s ProdID=%s Rev=%s.%s\n' "$vid" "$pid" "${rev%??}" "${rev#??}"
	for attr in manufacturer:Manufacturer product:Product serial:SerialNumber; do
		md_get v "$d/${attr%%:*}" ''
		[ -n "$v" ] && printf 'S:  %s=%s\n' "${attr#*:}" "$v"
	done
	md_get cfg "$d/bConfigurationValue" ''
	[ -n "$cfg" ] || return 0
	md_get nif "$d/bNumInterfaces" 0
	md_get atr "$d/bmAttributes" 00
	md_get pwr "$d/bMaxPower" 0mA
	printf 'C:  #Ifs=%2d Cfg#=%2d Atr=%s MxPwr=%s\n' "$nif" "$cfg" "$atr" "$pwr"
	for i in "$d"/*:"$cfg".*; do
		[ -d "$i" ] || continue
		drv=
		[ -L "$i/driver" ] && drv=$(readlink "$i/driver") && drv=${drv##*/}
		md_get ifn "$i/bInterfaceNumber" 00
		md_hex ifn "$ifn"
		md_get alt "$i/bAlternateSetting" 0
		md_get neps "$i/bNumEndpoints" 00
		md_hex neps "$neps"
		md_get icls "$i/bInterfaceClass" 00
		md_get isub "$i/bInterfaceSubClass" 00
		md_get iprot "$i/bInterfaceProtocol" 00
		md_cls cn "$icls"
		printf 'I:  If#=%2d Alt=%2d #EPs=%2d Cls=%s(%s) Sub=%s Prot=%s Driver=%s\n' \
			"$ifn" "$alt" "$neps" "$icls" "$cn" "$isub" "$iprot" "${drv:-(none)}"
		for e in "$i"/ep_*; do
			[ -d "$e" ] || continue
			md_get atr "$e/bmAttributes" 00
			md_hex an "$atr"
			case $((an & 3)) in
			0) an=Ctrl ;; 1) an=Isoc ;; 2) an=Bulk ;; *) an=Int. ;;
			esac
			md_get ad "$e/bEndpointAddress" 00
			md_hex dir "$ad"
			if [ $((dir & 128)) -ne 0 ]; then dir=I; else dir=O; fi
			md_get mps "$e/wMaxPacketSize" 0
			md_hex mps "$mps"
			md_get ivl "$e/interval" 0ms
			printf 'E:  Ad=%s(%s) Atr=%s(%s) MxPS=%4d Ivl=%s\n' "$ad" "$dir" "$atr" "$an" "$mps" "$ivl"
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

md_now
MD_NONCE=$(cat /proc/sys/kernel/random/uuid 2> /dev/null || echo "$$-$MD_NOW")
W=$(mktemp -d "${TMPDIR:-/tmp}/modem-doctor.XXXXXX" 2> /dev/null) || W=
if [ -z "$W" ] || [ ! -d "$W" ]; then
	echo "==MD== $MD_NONCE begin v=1 uid=$(id -u 2> /dev/null) ms=$MD_NOW"
	echo "==MD== $MD_NONCE fatal cannot create a scratch directory in ${TMPDIR:-/tmp}"
	exit 0
fi
md_monitor < /dev/null > /dev/null 2>&1 &
MD_MON=$!
md_finish() {
	: > "$W/done"
	# The monitor and its sleep, found before the monitor ends (then it is re-parented).
	md_parent=$MD_MON
	kill "$MD_MON" $(md_children) 2> /dev/null
	rm -rf "$W"
}
trap md_finish EXIT
trap 'md_finish; trap - EXIT; exit 130' INT TERM HUP
echo "==MD== $MD_NONCE begin v=1 uid=$(id -u 2> /dev/null) ms=$MD_NOW"

# @CAPTURES@

md_now
echo "==MD== $MD_NONCE end ms=$MD_NOW"
