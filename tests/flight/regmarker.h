/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * regmarker.h: the register marker, shared by the guest program that
 * keeps it in its registers (guest/regmarker.c) and the wiretap that
 * looks for it on the wire (wiretap.c).
 *
 * 16 bytes, written here only in halves: the guest program puts them
 * together in its registers, so that its binary and its memory never hold
 * the marker whole.  Found whole, it came from a register: the saved vCPU
 * state, or what the guest's kernel spilled (the task's FPU area, its
 * pt_regs).  Neither it nor the memory marker (ENCMIG-FLIGHT-MARKER)
 * contains the other, so neither is counted as the other.
 */

#ifndef FLIGHT_REGMARKER_H
#define FLIGHT_REGMARKER_H

#define FLIGHT_REG_MARK_LO "ENCMIG-R"
#define FLIGHT_REG_MARK_HI "EG-MARK!"

#endif
