# modem-doctor AT helper: talk to a modem's AT port with what OpenWrt has (BusyBox ash,
# stty), no Python, nothing installed. Functions only; modem-doctor appends the calls.
#
#   mp_at DEV SECONDS CMD...     send each CMD, print it and the modem's answer
#   mp_owners DEV                processes holding DEV open ("PID NAME" lines)
#   mp_tty_of USB_INTERFACE      the tty (ttyUSBn/ttyACMn) the kernel made for an interface
#
# Each answer is read line by line with `read -t` until a final result code; a port that
# says nothing within SECONDS is reported on one line ("no answer from ... (timed out)")
# and no further command is sent to it. Only commands modem-doctor's read-only guard let
# through are passed here; this file does not judge them again.

mp_send() {
	# One command on fd 3: its answer lines (echo and empty lines left out) up to the
	# final result code. Status 3: no answer at all; 1: an answer but no final code.
	printf '%s\r' "$1" >&3
	mp_got=0
	while :; do
		if ! IFS= read -r -t "$mp_tmo" mp_line <&3; then
			[ "$mp_got" = 0 ] && return 3
			return 1
		fi
		mp_line=$(printf '%s' "$mp_line" | tr -d '\r')
		[ -n "$mp_line" ] || continue
		mp_got=1
		[ "$mp_line" = "$1" ] && continue # the modem's echo
		echo "$mp_line"
		case $mp_line in
		OK | ERROR | "NO CARRIER" | "COMMAND NOT SUPPORT" | "+CME ERROR:"* | "+CMS ERROR:"*) return 0 ;;
		esac
	done
}

mp_at() {
	mp_dev=$1
	mp_tmo=$2
	shift 2
	if [ ! -c "$mp_dev" ]; then
		echo "cannot open $mp_dev: no such character device"
		return 2
	fi
	# raw: no line editing, no CR/LF translation; -echo: the tty must not echo the
	# modem's own echo back to it. BusyBox and coreutils stty both take -F.
	stty -F "$mp_dev" raw -echo 2> /dev/null || stty raw -echo < "$mp_dev" 2> /dev/null
	exec 3<> "$mp_dev" || {
		echo "cannot open $mp_dev (busy or no permission)"
		return 2
	}
	# Verbose errors for the probe (+CME ERROR: SIM not inserted, not a bare ERROR), and
	# the old setting written back at the end, as modem-doctor's Python channel does.
	mp_old=$(mp_send 'AT+CMEE?')
	if [ $? = 3 ]; then
		echo "AT+CMEE?"
		echo "no answer from $mp_dev within $mp_tmo s to AT+CMEE? (timed out)"
		exec 3<&-
		return 3
	fi
	mp_old=$(printf '%s\n' "$mp_old" | sed -n 's/^+CMEE: *\([01]\)$/\1/p')
	[ -n "$mp_old" ] && { mp_send 'AT+CMEE=2' > /dev/null || mp_old=; }
	mp_rc=0
	for mp_cmd in "$@"; do
		echo "$mp_cmd"
		mp_send "$mp_cmd"
		case $? in
		3) echo "no answer from $mp_dev within $mp_tmo s to $mp_cmd (timed out)"; mp_rc=3; break ;;
		1) echo "no final result from $mp_dev within $mp_tmo s to $mp_cmd (timed out)" ;;
		esac
	done
	[ -n "$mp_old" ] && mp_send "AT+CMEE=$mp_old" > /dev/null
	exec 3<&-
	return $mp_rc
}

mp_owners() {
	# Who holds DEV open, from /proc (BusyBox has no lsof by default).
	mp_real=$(readlink -f "$1" 2> /dev/null || echo "$1")
	for mp_fd in /proc/[0-9]*/fd/*; do
		mp_to=$(readlink "$mp_fd" 2> /dev/null) || continue
		[ "$mp_to" = "$mp_real" ] || continue
		mp_pid=${mp_fd#/proc/}
		mp_pid=${mp_pid%%/*}
		[ "$mp_pid" = "$$" ] && continue
		read -r mp_name < "/proc/$mp_pid/comm" 2> /dev/null || mp_name=?
		echo "$mp_pid $mp_name"
	done | sort -u
	return 0
}

mp_mm_running() {
	for mp_p in /proc/[0-9]*/comm; do
		read -r mp_c < "$mp_p" 2> /dev/null || continue
		[ "$mp_c" = ModemManager ] && { mp_p=${mp_p#/proc/}; echo "${mp_p%/comm}"; }
	done
	return 0
}

mp_tty_of() {
	for mp_t in "$R/sys/bus/usb/devices/$1"/ttyUSB* "$R/sys/bus/usb/devices/$1"/tty/tty* \
		"$R/sys/bus/usb/devices/$1"/usbmisc/cdc-wdm*; do
		[ -e "$mp_t" ] && echo "${mp_t##*/}"
	done
	return 0
}

mp_guard() {
	# Refuse (status 4, one line) a port ModemManager or a PPP session holds, or any port
	# while ModemManager runs and its files cannot be read; MP_IGNORE_MM=1 skips the
	# ModemManager part.
	[ -e "$1" ] || { echo "$1: no such port"; return 4; }
	mp_h=$(mp_owners "$1")
	case " $(echo $mp_h) " in
	*" pppd "* | *" comgt "* | *" gcom "*)
		echo "$1 is held by a PPP session ($(echo $mp_h)); writing to it would break that connection"
		return 4 ;;
	esac
	[ -n "$MP_IGNORE_MM" ] && return 0
	mp_mm=$(mp_mm_running | head -n 1)
	[ -n "$mp_mm" ] || return 0
	case " $(echo $mp_h) " in
	*" ModemManager "*) ;;
	*) [ -r "/proc/$mp_mm/fd" ] && ls "/proc/$mp_mm/fd" > /dev/null 2>&1 && return 0 ;;
	esac
	echo "$1 is held by ModemManager (pid $mp_mm). Let it go for the probe: mmcli -m <index> --inhibit" \
		"(kept running while modem-doctor probes; mmcli -L lists the index), or stop the service" \
		"(/etc/init.d/modemmanager stop); or ask ModemManager itself: mmcli -m <index>."
	return 4
}

mp_uqmi() {
	# uqmi -s, one read-only option per call, each shown as the shell line that ran it.
	mp_d=$1
	shift
	for mp_o in "$@"; do
		echo "# uqmi -s -d $mp_d $mp_o"
		mp_r=$(uqmi -s -d "$mp_d" "$mp_o" 2>&1)
		echo "$mp_r"
		case $mp_r in *"timed out"* | *"Failed to connect"*) return 3 ;; esac
	done
	return 0
}

mp_qmicli() {
	# qmicli where uqmi is missing (a Debian VM, a PC). A node that is not a cdc-wdm
	# character device (a pty) needs --device-open-qmi.
	mp_d=$1
	shift
	mp_m=
	case $(readlink -f "$mp_d") in */cdc-wdm*) ;; *) mp_m=--device-open-qmi ;; esac
	for mp_o in "$@"; do
		echo "# qmicli -d $mp_d $mp_o"
		mp_r=$(qmicli $mp_m -d "$mp_d" "$mp_o" 2>&1 | grep -v -e "couldn't detect transport type" \
			-e "requested QMI mode but unexpected transport type")
		echo "$mp_r"
		case $mp_r in *"timed out"*) return 3 ;; esac
	done
	return 0
}

mp_umbim() {
	mp_d=$1
	shift
	for mp_o in "$@"; do
		echo "# umbim -d $mp_d $mp_o"
		umbim -d "$mp_d" "$mp_o" 2>&1
	done
	return 0
}
