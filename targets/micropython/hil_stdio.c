// sys.stdin, sys.stdout and sys.stderr for the booter, on configurations
// that turn on MICROPY_PY_SYS_STDFILES (the roomy m0): print(..., file=...),
// sys.print_exception(e, stream) and sys.stdout.write then work as users'
// scripts expect. Writes go where print's output goes, byte for byte (the
// booter's link is no terminal: nothing is "cooked"); stdin is at its end
// at once, as a script run with its input from /dev/null finds it (the link
// carries the protocol, never a program's input).
#include "py/mpconfig.h"

#if MICROPY_PY_SYS_STDFILES

#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/obj.h"
#include "py/stream.h"

typedef struct _hil_stdio_obj_t {
    mp_obj_base_t base;
    int fd;
} hil_stdio_obj_t;

static void hil_stdio_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    hil_stdio_obj_t *self = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "<io.FileIO %d>", self->fd);
}

static mp_uint_t hil_stdio_read(mp_obj_t self_in, void *buf, mp_uint_t size, int *errcode) {
    hil_stdio_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->fd != 0) {
        *errcode = MP_EPERM;
        return MP_STREAM_ERROR;
    }
    return 0;
}

static mp_uint_t hil_stdio_write(mp_obj_t self_in, const void *buf, mp_uint_t size, int *errcode) {
    hil_stdio_obj_t *self = MP_OBJ_TO_PTR(self_in);
    if (self->fd == 0) {
        *errcode = MP_EPERM;
        return MP_STREAM_ERROR;
    }
    return mp_hal_stdout_tx_strn(buf, size);
}

static mp_uint_t hil_stdio_ioctl(mp_obj_t self_in, mp_uint_t request, uintptr_t arg, int *errcode) {
    if (request == MP_STREAM_CLOSE || request == MP_STREAM_FLUSH) {
        return 0;
    }
    *errcode = MP_EINVAL;
    return MP_STREAM_ERROR;
}

static const mp_stream_p_t hil_stdio_text_stream = {
    .read = hil_stdio_read,
    .write = hil_stdio_write,
    .ioctl = hil_stdio_ioctl,
    .is_text = true,
};

#if MICROPY_PY_SYS_STDIO_BUFFER
// sys.stdout.buffer and the like: the same bytes, as a binary stream.
static const mp_stream_p_t hil_stdio_binary_stream = {
    .read = hil_stdio_read,
    .write = hil_stdio_write,
    .ioctl = hil_stdio_ioctl,
    .is_text = false,
};
static const mp_rom_map_elem_t hil_stdio_buffer_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&mp_stream_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&mp_stream_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&mp_stream_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_flush), MP_ROM_PTR(&mp_stream_flush_obj) },
};
static MP_DEFINE_CONST_DICT(hil_stdio_buffer_locals, hil_stdio_buffer_locals_table);
static MP_DEFINE_CONST_OBJ_TYPE(
    hil_stdio_buffer_type, MP_QSTR_FileIO, MP_TYPE_FLAG_ITER_IS_STREAM,
    print, hil_stdio_print,
    protocol, &hil_stdio_binary_stream,
    locals_dict, &hil_stdio_buffer_locals
    );
static const hil_stdio_obj_t hil_stdin_buffer = {{&hil_stdio_buffer_type}, .fd = 0};
static const hil_stdio_obj_t hil_stdout_buffer = {{&hil_stdio_buffer_type}, .fd = 1};
#endif

static const mp_rom_map_elem_t hil_stdio_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&mp_stream_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&mp_stream_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_readline), MP_ROM_PTR(&mp_stream_unbuffered_readline_obj) },
    { MP_ROM_QSTR(MP_QSTR_readlines), MP_ROM_PTR(&mp_stream_unbuffered_readlines_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&mp_stream_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_flush), MP_ROM_PTR(&mp_stream_flush_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&mp_stream___exit___obj) },
};
static MP_DEFINE_CONST_DICT(hil_stdio_locals, hil_stdio_locals_table);

// One type per fd would be needed for per-stream buffer attributes; the
// buffer is looked up through attr instead, so the three share a type.
static void hil_stdio_attr(mp_obj_t self_in, qstr attr, mp_obj_t *dest) {
    #if MICROPY_PY_SYS_STDIO_BUFFER
    if (dest[0] == MP_OBJ_NULL && attr == MP_QSTR_buffer) {
        hil_stdio_obj_t *self = MP_OBJ_TO_PTR(self_in);
        dest[0] = MP_OBJ_FROM_PTR(self->fd == 0 ? &hil_stdin_buffer : &hil_stdout_buffer);
        return;
    }
    #endif
    dest[1] = MP_OBJ_SENTINEL;  // the rest from locals_dict
}

static MP_DEFINE_CONST_OBJ_TYPE(
    hil_stdio_type, MP_QSTR_FileIO, MP_TYPE_FLAG_ITER_IS_STREAM,
    print, hil_stdio_print,
    attr, hil_stdio_attr,
    protocol, &hil_stdio_text_stream,
    locals_dict, &hil_stdio_locals
    );

const hil_stdio_obj_t mp_sys_stdin_obj = {{&hil_stdio_type}, .fd = 0};
const hil_stdio_obj_t mp_sys_stdout_obj = {{&hil_stdio_type}, .fd = 1};
const hil_stdio_obj_t mp_sys_stderr_obj = {{&hil_stdio_type}, .fd = 2};

#endif // MICROPY_PY_SYS_STDFILES
