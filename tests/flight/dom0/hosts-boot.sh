# The two-host flight's first step on host a: Xen and dom0 are up here
# (host b's own host-boot says the same there).
sh /flight/steps/host-boot.sh
