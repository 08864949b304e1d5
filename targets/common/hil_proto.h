// bytecode-hil loader protocol: constants shared by every booter.
// The protocol is specified in docs/protocol.md; harness/protocol.py is its
// host side. Keep the three in step.
#ifndef HIL_PROTO_H
#define HIL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define HIL_PROTO_VERSION 1
#define HIL_STR_(x) #x
#define HIL_STR(x) HIL_STR_(x)
#define HIL_FRAME_SOF (0xA5)
// SOF, version, type, seq, len (u16 LE); then payload and CRC-32 (u32 LE).
#define HIL_FRAME_HEADER_LEN (6)
#define HIL_FRAME_CRC_LEN (4)

// Host to device.
enum {
    HIL_MSG_HELLO = 0x01,   // -> INFO
    HIL_MSG_LOAD = 0x02,    // total_len u32, blob_crc u32, flags u8, data... -> ACK | RUNNING | ERR
    HIL_MSG_DATA = 0x03,    // offset u32, data... -> ACK | RUNNING | ERR
    HIL_MSG_RESET = 0x04,   // -> hard reset of the board (the new INFO is the answer)
    HIL_MSG_RUN = 0x05,     // (mailbox booters) run the blob a LOAD sized, its bytes written into its buffer -> RUNNING | ERR
};

// The RAM mailbox of booters built with HIL_MAILBOX starts with this word
// (docs/protocol.md, "Pushing over SWD").
#define HIL_MAILBOX_MAGIC (0x4D4C4948u) // "HILM" in memory

// LOAD flags.
#define HIL_LOAD_RUN (0x01) // run the blob as soon as its last byte has arrived
#define HIL_LOAD_SIGNED (0x02) // an HMAC-SHA256 of the blob follows the LOAD header
#define HIL_MAC_LEN (32)

// Device to host.
enum {
    HIL_MSG_INFO = 0x80,    // "key=value key=value ..." text
    HIL_MSG_ACK = 0x81,     // next expected offset u32
    HIL_MSG_ERR = 0x82,     // code u8, text
    HIL_MSG_RUNNING = 0x83, // the blob is complete and is being run
    HIL_MSG_OUT = 0x84,     // program output bytes
    HIL_MSG_TRACE = 0x85,   // traceback / loader error text
    HIL_MSG_STATUS = 0x86,  // see hil_status_t
};

// Protocol errors (ERR code).
enum {
    HIL_ERR_BAD_FRAME = 1,   // CRC mismatch or impossible length
    HIL_ERR_BAD_VERSION = 2, // frame of another protocol version
    HIL_ERR_BAD_TYPE = 3,    // unknown message type
    HIL_ERR_OVERSIZE = 4,    // blob larger than the device can hold
    HIL_ERR_NO_MEMORY = 5,   // heap could not hold the blob
    HIL_ERR_BAD_OFFSET = 6,  // DATA outside the blob, or before LOAD
    HIL_ERR_BLOB_CRC = 7,    // the assembled blob does not match its CRC
    HIL_ERR_BAD_LOAD = 8,    // LOAD payload too short
    HIL_ERR_SIGNATURE = 9,   // a keyed booter got an unsigned blob, or a wrong signature
};

// Outcome of one run (STATUS byte 0).
enum {
    HIL_STATUS_OK = 0,
    HIL_STATUS_EXCEPTION = 1,    // uncaught exception; TRACE holds the traceback
    HIL_STATUS_MEMORY_ERROR = 2, // uncaught MemoryError
    HIL_STATUS_FAULT = 3,        // CPU fault / signal; fault_pc is set
    HIL_STATUS_LOAD_ERROR = 4,   // the VM's loader rejected the blob; TRACE says why
};

// STATUS payload, little-endian, packed by hil_proto_send_status().
typedef struct _hil_result_t {
    uint8_t status;
    uint64_t run_cycles;   // cycles spent running the blob
    uint64_t load_cycles;  // cycles spent loading it
    uint32_t heap_used;    // bytes allocated when the run ended
    uint32_t heap_peak;    // highest heap extent touched during the run, bytes
    uint32_t stack_peak;   // deepest stack use, bytes (0 = not measured)
    uint32_t fault_pc;     // program counter of a fault
} hil_result_t;

// Then the bytes of OUT and of TRACE the run sent (u32 each), which the
// booter counts itself.
#define HIL_STATUS_PAYLOAD_LEN (1 + 8 + 8 + 4 + 4 + 4 + 4 + 4 + 4)

// Device side. The booter calls into the board layer (hil_board.h) and the
// VM profile (hil_vm.h); the VM profile sends output through these.
// Device side: the booter serves the host forever over the board's byte link.
void hil_booter_main(void);
// For a board's fault handler: report a fault as the running case's status.
void hil_booter_report_fault(uint32_t pc);
uint32_t hil_crc32(uint32_t crc, const uint8_t *data, size_t len);

#endif // HIL_PROTO_H
