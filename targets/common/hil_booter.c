// The booter: receives blobs from the host over the board's byte link, runs
// them with the VM profile and streams back output and status. Framing and
// messages are specified in docs/protocol.md.
// One translation unit on purpose: framing, output streaming and the loader
// share state, and GCC inlines the static helpers called once, which split
// across units would be calls on a 64 KB board.
#include <string.h>

#include "hil_board.h"
#include "hil_proto.h"
#include "hil_vm.h"
#if HIL_SIGNING
#include "hil_key.h"
#include "hil_sha256.h"
static const uint8_t signing_key[] = HIL_SIGNING_KEY;
#define HIL_INFO_SIGNED " signed=1"
#else
#define HIL_INFO_SIGNED ""
#endif

#ifndef HIL_CHUNK_MAX
#define HIL_CHUNK_MAX 256
#endif
#ifndef HIL_BUILD_ID
#define HIL_BUILD_ID "unknown"
#endif
#define HIL_LOAD_HEADER_LEN (9)
// Largest payload a host frame may carry: a DATA offset plus one chunk.
#define HIL_RX_PAYLOAD_MAX (HIL_CHUNK_MAX + 4)
// Program output is batched into frames of at most this many bytes.
#define HIL_OUT_BUF_LEN (64)

// Frames from the host come in here. With HIL_MAILBOX this is also the RAM
// mailbox (docs/protocol.md, "Pushing over SWD"): a debug probe writes a
// whole frame into it and then rings the doorbell, and the frame is checked
// and handled as one that came over the link; the answer goes over the link
// either way, so a blob runs and is reported alike however it was pushed.
static struct {
    #if HIL_MAILBOX
    uint32_t magic;
    volatile uint32_t doorbell; // nonzero: a frame is in place; cleared when taken
    uint8_t *const *blob;       // where the booter keeps the blob buffer's address
    const uint32_t *wake;       // hil_board_wake: how the host wakes a sleeping booter
    #endif
    uint8_t frame[HIL_FRAME_HEADER_LEN + HIL_RX_PAYLOAD_MAX + HIL_FRAME_CRC_LEN];
} rx;

// The blob being received.
static struct {
    uint8_t *buf;
    uint32_t len;
    uint32_t received;
    uint32_t crc;
    uint8_t flags;
    #if HIL_SIGNING
    uint8_t mac[HIL_MAC_LEN];
    #endif
} blob;

static uint8_t reply_seq;
static uint8_t out_kind;
// Bytes of output and traceback a run produced: sent with its status so the
// host can tell a frame lost on the link from a program that printed less.
static uint32_t streamed_out, streamed_trace;
static uint8_t out_buf[HIL_OUT_BUF_LEN];
static size_t out_len;
static volatile uint8_t running;

// CRC-32 (IEEE 802.3, as zlib), a nibble at a time: a 64-byte table keeps
// flash small and is fast enough for 115200 baud on a Cortex-M0.
uint32_t hil_crc32(uint32_t crc, const uint8_t *data, size_t len) {
    static const uint32_t table[16] = {
        0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
        0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
    };
    crc = ~crc;
    while (len--) {
        crc ^= *data++;
        crc = (crc >> 4) ^ table[crc & 15];
        crc = (crc >> 4) ^ table[crc & 15];
    }
    return ~crc;
}

static void put_u32(uint8_t *p, uint32_t v) {
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

static uint32_t get_u32(const uint8_t *p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

// Frames are written as a stream: header, payload pieces, CRC. Callers that
// build a payload from parts need no buffer for it.
static uint32_t tx_crc;

static void frame_begin(uint8_t type, size_t len) {
    uint8_t header[HIL_FRAME_HEADER_LEN] = {HIL_FRAME_SOF, HIL_PROTO_VERSION, type, reply_seq, len, len >> 8};
    tx_crc = hil_crc32(0, header + 1, HIL_FRAME_HEADER_LEN - 1);
    hil_board_write(header, sizeof(header));
}

static void frame_write(const void *data, size_t len) {
    tx_crc = hil_crc32(tx_crc, data, len);
    hil_board_write(data, len);
}

static void frame_end(void) {
    uint8_t trailer[HIL_FRAME_CRC_LEN];
    put_u32(trailer, tx_crc);
    hil_board_write(trailer, sizeof(trailer));
}

static void send_frame(uint8_t type, const void *payload, size_t len) {
    frame_begin(type, len);
    frame_write(payload, len);
    frame_end();
}

static void send_err(uint8_t code, const char *text) {
    size_t len = strlen(text);
    frame_begin(HIL_MSG_ERR, 1 + len);
    frame_write(&code, 1);
    frame_write(text, len);
    frame_end();
}

static void send_ack(uint32_t next_offset) {
    uint8_t p[4];
    put_u32(p, next_offset);
    send_frame(HIL_MSG_ACK, p, sizeof(p));
}

// INFO is written twice over: once to measure its length, once to send it.
static size_t info_len;

static void info_measure(const char *text) {
    info_len += strlen(text);
}

static void info_send(const char *text) {
    frame_write(text, strlen(text));
}

// Kept out of line: describe() calls it up to three times, and each inlined
// copy costs flash.
__attribute__((noinline)) static const char *format_u32(char *buf, uint32_t v) {
    char *p = buf + 10;
    *p = 0;
    do {
        *--p = '0' + v % 10;
        v /= 10;
    } while (v);
    return p;
}

static void describe(hil_text_fn emit) {
    char digits[11];
    hil_vm_describe(emit);
    emit(" proto=" HIL_STR(HIL_PROTO_VERSION) " chunk=" HIL_STR(HIL_CHUNK_MAX) " build=" HIL_BUILD_ID HIL_INFO_SIGNED " board=");
    emit(hil_board_name());
    emit(" clock=");
    emit(format_u32(digits, hil_board_clock_hz()));
    emit(" blob_max=");
    emit(format_u32(digits, (uint32_t)hil_vm_blob_max()));
    #if HIL_MAILBOX
    emit(" mailbox=");
    emit(format_u32(digits, (uint32_t)(uintptr_t)&rx));
    #endif
}

static void send_info(void) {
    info_len = 0;
    describe(info_measure);
    frame_begin(HIL_MSG_INFO, info_len);
    describe(info_send);
    frame_end();
}

// Cycles spent sending output. The link's pace is not the VM's: a host that
// reads slowly (or QEMU's socket filling up) makes the UART wait, so the
// VM's clock (hil_vm_clock, hil_vm.h) leaves them out.
static uint64_t io_cycles;

uint64_t hil_vm_clock(void) {
    return hil_board_cycles() - io_cycles;
}

static void flush_out(void) {
    if (out_len) {
        uint64_t start = hil_board_cycles();
        send_frame(out_kind, out_buf, out_len);
        io_cycles += hil_board_cycles() - start;
        out_len = 0;
    }
}

static void buffer_out(uint8_t kind, const char *data, size_t len) {
    if (kind == HIL_MSG_OUT) {
        streamed_out += len;
    } else {
        streamed_trace += len;
    }
    if (kind != out_kind) {
        flush_out();
        out_kind = kind;
    }
    while (len) {
        size_t n = HIL_OUT_BUF_LEN - out_len;
        if (n > len) {
            n = len;
        }
        memcpy(out_buf + out_len, data, n);
        out_len += n;
        data += n;
        len -= n;
        if (out_len == HIL_OUT_BUF_LEN) {
            flush_out();
        }
    }
}

static void write_out(const char *data, size_t len) {
    buffer_out(HIL_MSG_OUT, data, len);
    // Whole lines go out at once, so a case that then hangs or faults still
    // shows what it printed.
    if (len && data[len - 1] == '\n') {
        flush_out();
    }
}

static void write_trace(const char *data, size_t len) {
    buffer_out(HIL_MSG_TRACE, data, len);
}

static void send_status(const hil_result_t *res) {
    uint8_t p[HIL_STATUS_PAYLOAD_LEN];
    p[0] = res->status;
    put_u32(p + 1, (uint32_t)res->run_cycles);
    put_u32(p + 5, (uint32_t)(res->run_cycles >> 32));
    put_u32(p + 9, (uint32_t)res->load_cycles);
    put_u32(p + 13, (uint32_t)(res->load_cycles >> 32));
    put_u32(p + 17, res->heap_used);
    put_u32(p + 21, res->heap_peak);
    put_u32(p + 25, res->stack_peak);
    put_u32(p + 29, res->fault_pc);
    put_u32(p + 33, streamed_out);
    put_u32(p + 37, streamed_trace);
    flush_out();
    send_frame(HIL_MSG_STATUS, p, sizeof(p));
}

void hil_booter_report_fault(uint32_t pc) {
    if (running) {
        hil_result_t res = {0};
        res.status = HIL_STATUS_FAULT;
        res.fault_pc = pc;
        send_status(&res);
    }
}

#if HIL_MAILBOX
// Wait for a byte on the link or the doorbell; true when the doorbell rang.
static int doorbell_rang(void) {
    for (;;) {
        if (rx.doorbell) {
            rx.doorbell = 0;
            // The frame is read after the doorbell, never before.
            __asm__ volatile ("" ::: "memory");
            return 1;
        }
        if (hil_board_rx_ready()) {
            return 0;
        }
        hil_board_idle();
    }
}
#endif

// Read a frame's bytes from the link into rx.frame; false when the byte read
// was not a start of frame. A frame longer than the buffer is read no
// further (receive_frame answers it).
static int read_link_frame(void) {
    if (hil_board_getc() != HIL_FRAME_SOF) {
        return 0;
    }
    rx.frame[0] = HIL_FRAME_SOF;
    for (size_t i = 1; i < HIL_FRAME_HEADER_LEN; i++) {
        rx.frame[i] = hil_board_getc();
    }
    size_t len = rx.frame[4] | (rx.frame[5] << 8);
    if (len <= HIL_RX_PAYLOAD_MAX) {
        for (size_t i = 0; i < len + HIL_FRAME_CRC_LEN; i++) {
            rx.frame[HIL_FRAME_HEADER_LEN + i] = hil_board_getc();
        }
    }
    return 1;
}

// Receive one well-formed frame into rx.frame; returns its payload length.
// Bytes before a start-of-frame are skipped; a frame with a bad length or CRC
// is answered with ERR and dropped, and the scan starts again.
static size_t receive_frame(void) {
    for (;;) {
        #if HIL_MAILBOX
        int rang = doorbell_rang();
        #else
        const int rang = 0;
        #endif
        if (!rang && !read_link_frame()) {
            continue;
        }
        size_t len = rx.frame[4] | (rx.frame[5] << 8);
        reply_seq = rx.frame[3];
        if (len > HIL_RX_PAYLOAD_MAX) {
            send_err(HIL_ERR_BAD_FRAME, "frame too long");
            continue;
        }
        uint32_t crc = hil_crc32(0, rx.frame + 1, HIL_FRAME_HEADER_LEN - 1 + len);
        if (crc != get_u32(rx.frame + HIL_FRAME_HEADER_LEN + len)) {
            send_err(HIL_ERR_BAD_FRAME, "bad CRC");
            continue;
        }
        if (rx.frame[1] != HIL_PROTO_VERSION) {
            send_err(HIL_ERR_BAD_VERSION, "protocol version " HIL_STR(HIL_PROTO_VERSION) " expected");
            continue;
        }
        return len;
    }
}

#if HIL_SIGNING
// The blob's HMAC against the one sent with it, in time that does not
// depend on where they differ.
static int signature_ok(void) {
    uint8_t mac[HIL_MAC_LEN];
    hil_hmac_sha256(signing_key, sizeof(signing_key), blob.buf, blob.len, mac);
    uint8_t diff = 0;
    for (int i = 0; i < HIL_MAC_LEN; i++) {
        diff |= mac[i] ^ blob.mac[i];
    }
    return diff == 0;
}
#endif

static void run_blob(void) {
    if (hil_crc32(0, blob.buf, blob.len) != blob.crc) {
        blob.buf = NULL;
        send_err(HIL_ERR_BLOB_CRC, "blob CRC mismatch");
        return;
    }
    #if HIL_SIGNING
    if (!signature_ok()) {
        blob.buf = NULL;
        send_err(HIL_ERR_SIGNATURE, "signature does not match this booter's key");
        return;
    }
    #endif
    send_frame(HIL_MSG_RUNNING, NULL, 0);
    hil_result_t res = {0};
    uint8_t *buf = blob.buf;
    blob.buf = NULL;
    running = 1;
    // The buffer is empty; naming its kind afresh keeps the cycles a run
    // spends on its first output independent of what the last run wrote.
    out_kind = HIL_MSG_OUT;
    streamed_out = 0;
    streamed_trace = 0;
    hil_board_stack_paint();
    hil_vm_run(buf, blob.len, write_out, write_trace, &res);
    res.stack_peak = hil_board_stack_peak();
    running = 0;
    send_status(&res);
}

// Store data at offset; answer ACK, or run the blob once it is complete.
static void accept_data(uint32_t offset, const uint8_t *data, size_t len) {
    if (blob.buf == NULL || offset > blob.received || len > blob.len - offset) {
        send_err(HIL_ERR_BAD_OFFSET, "data outside the blob");
        return;
    }
    // A repeated chunk (its ACK was lost) is stored again: same bytes.
    memcpy(blob.buf + offset, data, len);
    if (offset + len > blob.received) {
        blob.received = offset + len;
    }
    if (blob.received == blob.len && (blob.flags & HIL_LOAD_RUN)) {
        run_blob();
    } else {
        send_ack(blob.received);
    }
}

static void handle_load(const uint8_t *p, size_t len) {
    if (len < HIL_LOAD_HEADER_LEN) {
        send_err(HIL_ERR_BAD_LOAD, "LOAD payload too short");
        return;
    }
    uint32_t total = get_u32(p);
    // Every LOAD starts a fresh VM: the previous blob and heap are gone.
    hil_vm_reset();
    blob.buf = NULL;
    if (total > hil_vm_blob_max()) {
        send_err(HIL_ERR_OVERSIZE, "blob larger than blob_max");
        return;
    }
    blob.buf = hil_vm_blob_alloc(total);
    if (blob.buf == NULL) {
        send_err(HIL_ERR_NO_MEMORY, "no heap for the blob");
        return;
    }
    blob.len = total;
    blob.crc = get_u32(p + 4);
    blob.flags = p[8];
    blob.received = 0;
    size_t header = HIL_LOAD_HEADER_LEN;
    if (blob.flags & HIL_LOAD_SIGNED) {
        if (len < header + HIL_MAC_LEN) {
            blob.buf = NULL;
            send_err(HIL_ERR_BAD_LOAD, "LOAD payload too short for its signature");
            return;
        }
        #if HIL_SIGNING
        memcpy(blob.mac, p + header, HIL_MAC_LEN);
        #endif
        header += HIL_MAC_LEN; // a booter without a key ignores the signature
    }
    #if HIL_SIGNING
    else {
        blob.buf = NULL;
        send_err(HIL_ERR_SIGNATURE, "unsigned blob refused: this booter runs signed blobs only");
        return;
    }
    #endif
    accept_data(0, p + header, len - header);
}

void hil_booter_main(void) {
    hil_vm_reset();
    reply_seq = 0;
    #if HIL_MAILBOX
    rx.magic = HIL_MAILBOX_MAGIC;
    rx.blob = &blob.buf;
    rx.wake = hil_board_wake;
    #endif
    send_info(); // the ready line: the host waits for it after a reset
    for (;;) {
        size_t len = receive_frame();
        const uint8_t *payload = rx.frame + HIL_FRAME_HEADER_LEN;
        switch (rx.frame[2]) {
            case HIL_MSG_HELLO:
                send_info();
                break;
            case HIL_MSG_LOAD:
                handle_load(payload, len);
                break;
            case HIL_MSG_DATA:
                if (len < 4) {
                    send_err(HIL_ERR_BAD_OFFSET, "DATA without offset");
                } else {
                    accept_data(get_u32(payload), payload + 4, len - 4);
                }
                break;
            case HIL_MSG_RESET:
                hil_board_reset();
                break;
            #if HIL_MAILBOX
            case HIL_MSG_RUN:
                // The blob's bytes were written into its buffer: take them as
                // its last DATA, so that it runs from the same call depth as
                // a blob sent in frames.
                blob.received = blob.len;
                blob.flags |= HIL_LOAD_RUN;
                accept_data(blob.len, payload, 0);
                break;
            #endif
            default:
                send_err(HIL_ERR_BAD_TYPE, "unknown message type");
                break;
        }
    }
}
