#!/bin/busybox sh
# /init of the lab's initramfs (BusyBox only). Loads the module closure, mounts this
# machine's root read-only over 9p at /host with the share and the project's source
# beside it, and runs the scenario's guest.sh chrooted in /host. Then powers off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "mdlab-init: $*" > /dev/console; }

for m in $(cat /modules.order); do
    insmod "/lib/modules/$m.ko" || say "insmod $m failed"
done

H=/host
O="trans=virtio,version=9p2000.L,msize=262144"
if ! mount -t 9p -o "$O,ro" hostroot $H; then
    say "cannot mount the host root"; poweroff -f
fi
mount -t tmpfs -o mode=1777 tmp $H/tmp
mount -t tmpfs -o mode=755 run $H/run
mkdir -p $H/tmp/mdlab/share $H/tmp/mdlab/src $H/tmp/mdlab/modules
mount -t 9p -o "$O" share $H/tmp/mdlab/share
mount -t 9p -o "$O,ro" mdsrc $H/tmp/mdlab/src
mount -t proc proc $H/proc
mount -t sysfs sysfs $H/sys
mount -t devtmpfs devtmpfs $H/dev
mkdir -p $H/dev/pts $H/dev/shm
mount -t devpts -o ptmxmode=666 devpts $H/dev/pts
mount -t tmpfs shm $H/dev/shm
mount -t debugfs debugfs $H/sys/kernel/debug
mount -t configfs configfs $H/sys/kernel/config 2>/dev/null
# Modules the scenario may load later (insmod from the chroot) and the load list.
cp /lib/modules/*.ko /modules.order /modules.all $H/tmp/mdlab/modules/
say "ready at $(cut -d' ' -f1 /proc/uptime) s"
chroot $H /bin/sh /tmp/mdlab/share/guest.sh
say "guest exited with $? at $(cut -d' ' -f1 /proc/uptime) s"
sync
umount $H/tmp/mdlab/share 2>/dev/null
poweroff -f
