# The level-2 sub-ops' hostile arguments get check_level2's -errno, one
# agreement of the hypervisor with itself goes through; the guest lives on.
set -e
domid=$(cat /run/guest-domid)
flight-bad-args-level2 "$domid"
xl list "$domid"
