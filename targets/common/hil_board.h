// The board layer: what the booter needs from a board, and nothing more.
// Each board folder under targets/boards/ implements these.
#ifndef HIL_BOARD_H
#define HIL_BOARD_H

#include <stddef.h>
#include <stdint.h>

int hil_board_getc(void);                           // next byte from the host, blocking
int hil_board_rx_ready(void);                       // nonzero when hil_board_getc() would not block (boards with a mailbox)
void hil_board_idle(void);                          // wait for a byte or a wake-up; may return early (boards with a mailbox)
// What a debug probe writes, after ringing the mailbox's doorbell, to end
// hil_board_idle(): {address, value}; {0, 0} on boards whose idle never sleeps.
extern const uint32_t hil_board_wake[2];
void hil_board_write(const uint8_t *data, size_t len);
uint64_t hil_board_cycles(void);                    // free-running counter
uint32_t hil_board_clock_hz(void);                  // rate of hil_board_cycles()
void hil_board_reset(void);                         // hard reset; does not return
const char *hil_board_name(void);

// Stack watermark: paint the free stack before a run, measure after.
// Boards that cannot measure return 0 from hil_board_stack_peak().
void hil_board_stack_paint(void);
uint32_t hil_board_stack_peak(void);

// The application a board's start-up runs: the booter (hil_booter.c),
// unless the VM's make fragment names another entry, a void (void)
// function, with -DHIL_APP_MAIN=<function> in CFLAGS.
#ifndef HIL_APP_MAIN
#define HIL_APP_MAIN hil_booter_main
#endif
void HIL_APP_MAIN(void);

#endif // HIL_BOARD_H
