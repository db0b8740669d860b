# The level-2 host's guest: the PVH guest labelled for FLASK's encmig_t
# (built as encmig_t_building); once it runs, dom0 cannot read it.
set -e
. /flight/steps/flight-lib.sh
create_guest /flight/guest-l2.cfg guest-guest.log 300
xl list -l guest | grep -q '"type": "pvh"'
xl list -Z guest
[ "$(guest_label)" = system_u:system_r:encmig_t ]
xl domid guest > /run/guest-domid
echo "guest domid $(cat /run/guest-domid), PVH, encmig_t"
