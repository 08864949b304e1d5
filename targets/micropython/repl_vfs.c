// Python-level VFS objects for the REPL application: an `os` module with
// mount() and umount(), and the port hooks import and open() use, all
// calling the mounted object's methods. This is the protocol stock
// firmware's VFS layer speaks to a filesystem written in Python (the pinned
// source has no extmod/vfs*.c), so what a host stages on stock firmware
// stages here the same way:
//   vfs.mount(readonly, mkfs)    on mount        vfs.umount()    on umount
//   vfs.stat(path) -> 10-tuple   to find a module (st_mode & 0x4000: a folder)
//   vfs.open(path, mode) -> file object with the stream protocol (an
//                                 io.IOBase subclass with readinto and ioctl)
// Paths given to the object are relative to its mount point and start with
// "/". There is no current directory but the root: a relative path is
// looked up from "/", as extmod's VFS does while the root is current.
#include <string.h>

#include "py/builtin.h"
#include "py/mperrno.h"
#include "py/objlist.h"
#include "py/objtuple.h"
#include "py/reader.h"
#include "py/runtime.h"
#include "py/stream.h"

#include "repl_app.h"

#define VFS_S_IFDIR (0x4000)
#define VFS_READ_BUFFER (256)       // reader buffer when the file names none
#define VFS_READ_BUFFER_MAX (2048)

// The mount table: a list of (mount point, VFS object) tuples, searched in
// the order mounted, except that a VFS mounted at the root comes last. Mount
// points are absolute, without a trailing "/" (the root is "/").
MP_REGISTER_ROOT_POINTER(mp_obj_t hil_vfs_mounts);

void hil_vfs_init(void) {
    MP_STATE_VM(hil_vfs_mounts) = mp_obj_new_list(0, NULL);
}

static mp_obj_list_t *mounts(void) {
    return MP_OBJ_TO_PTR(MP_STATE_VM(hil_vfs_mounts));
}

// The VFS holding path, with *inner set to the path within it; NULL if
// no mount holds it.
static mp_obj_t vfs_lookup(const char *path, const char **inner) {
    const char *rel = path[0] == '/' ? path + 1 : path;
    mp_obj_list_t *table = mounts();
    for (size_t i = 0; i < table->len; i++) {
        mp_obj_t *entry = ((mp_obj_tuple_t *)MP_OBJ_TO_PTR(table->items[i]))->items;
        size_t len;
        const char *point = mp_obj_str_get_data(entry[0], &len);
        point++;
        len--;
        if (len == 0) {
            // Mounted at the root: it holds every path.
            *inner = path;
            return entry[1];
        }
        if (strncmp(rel, point, len) == 0 && (rel[len] == '/' || rel[len] == '\0')) {
            *inner = rel[len] ? rel + len : "/";
            return entry[1];
        }
    }
    return MP_OBJ_NULL;
}

static mp_obj_t call_method(mp_obj_t obj, qstr name, size_t n_args, const mp_obj_t *args) {
    mp_obj_t call[2 + 2];
    mp_load_method(obj, name, call);
    for (size_t i = 0; i < n_args; i++) {
        call[2 + i] = args[i];
    }
    return mp_call_method_n_kw(n_args, 0, call);
}

// --- os.mount, os.umount -------------------------------------------------------

static bool mounted_at_root(mp_obj_t entry) {
    size_t len;
    mp_obj_str_get_data(((mp_obj_tuple_t *)MP_OBJ_TO_PTR(entry))->items[0], &len);
    return len == 1;
}

// The mount point without a trailing "/" (but "/" itself), as a str.
static mp_obj_t mount_point(mp_obj_t path_in) {
    size_t len;
    const char *path = mp_obj_str_get_data(path_in, &len);
    if (len == 0 || path[0] != '/') {
        mp_raise_ValueError(MP_ERROR_TEXT("mount point must be an absolute path"));
    }
    while (len > 1 && path[len - 1] == '/') {
        len--;
    }
    return mp_obj_new_str(path, len);
}

static mp_obj_t os_mount(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_readonly, ARG_mkfs };
    static const mp_arg_t allowed[] = {
        {MP_QSTR_readonly, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_FALSE}},
        {MP_QSTR_mkfs, MP_ARG_KW_ONLY | MP_ARG_OBJ, {.u_rom_obj = MP_ROM_FALSE}},
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed)];
    mp_arg_parse_all(n_args - 2, pos_args + 2, kw_args, MP_ARRAY_SIZE(allowed), allowed, args);

    mp_obj_t vfs = pos_args[0];
    mp_obj_t point = mount_point(pos_args[1]);
    mp_obj_list_t *table = mounts();
    for (size_t i = 0; i < table->len; i++) {
        mp_obj_t *entry = ((mp_obj_tuple_t *)MP_OBJ_TO_PTR(table->items[i]))->items;
        if (mp_obj_equal(entry[0], point)) {
            mp_raise_OSError(MP_EPERM);
        }
    }
    mp_obj_t mount_args[2] = {args[ARG_readonly].u_obj, args[ARG_mkfs].u_obj};
    call_method(vfs, MP_QSTR_mount, 2, mount_args);
    // A VFS mounted at the root holds every path: it stays last.
    mp_obj_t entry[2] = {point, vfs};
    mp_obj_list_append(MP_STATE_VM(hil_vfs_mounts), mp_obj_new_tuple(2, entry));
    size_t last = table->len - 1;
    if (last > 0 && mounted_at_root(table->items[last - 1])) {
        mp_obj_t root = table->items[last - 1];
        table->items[last - 1] = table->items[last];
        table->items[last] = root;
    }
    return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_KW(os_mount_obj, 2, os_mount);

// umount(mount point or VFS object)
static mp_obj_t os_umount(mp_obj_t which) {
    bool by_path = mp_obj_is_str(which);
    mp_obj_t point = by_path ? mount_point(which) : MP_OBJ_NULL;
    mp_obj_list_t *table = mounts();
    for (size_t i = 0; i < table->len; i++) {
        mp_obj_t *entry = ((mp_obj_tuple_t *)MP_OBJ_TO_PTR(table->items[i]))->items;
        if (by_path ? mp_obj_equal(entry[0], point) : entry[1] == which) {
            mp_obj_t vfs = entry[1];
            mp_obj_list_remove(MP_STATE_VM(hil_vfs_mounts), table->items[i]);
            call_method(vfs, MP_QSTR_umount, 0, NULL);
            return mp_const_none;
        }
    }
    mp_raise_OSError(MP_EINVAL);
}
static MP_DEFINE_CONST_FUN_OBJ_1(os_umount_obj, os_umount);

static const mp_rom_map_elem_t os_globals_table[] = {
    {MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_os)},
    {MP_ROM_QSTR(MP_QSTR_mount), MP_ROM_PTR(&os_mount_obj)},
    {MP_ROM_QSTR(MP_QSTR_umount), MP_ROM_PTR(&os_umount_obj)},
};
static MP_DEFINE_CONST_DICT(os_globals, os_globals_table);

const mp_obj_module_t hil_module_os = {
    .base = {&mp_type_module},
    .globals = (mp_obj_dict_t *)&os_globals,
};
MP_REGISTER_MODULE(MP_QSTR_os, hil_module_os);

// --- Import: find a module, read its file --------------------------------------

mp_import_stat_t mp_import_stat(const char *path) {
    const char *inner;
    mp_obj_t vfs = vfs_lookup(path, &inner);
    if (vfs == MP_OBJ_NULL) {
        return MP_IMPORT_STAT_NO_EXIST;
    }
    mp_obj_t stat;
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_obj_t arg = mp_obj_new_str(inner, strlen(inner));
        stat = call_method(vfs, MP_QSTR_stat, 1, &arg);
        nlr_pop();
    } else {
        // The object raises (OSError(ENOENT), as a rule) for what it lacks.
        return MP_IMPORT_STAT_NO_EXIST;
    }
    mp_obj_t *fields;
    mp_obj_get_array_fixed_n(stat, 10, &fields);
    return (mp_obj_get_int(fields[0]) & VFS_S_IFDIR) ? MP_IMPORT_STAT_DIR : MP_IMPORT_STAT_FILE;
}

static mp_obj_t vfs_open(mp_obj_t path_in, mp_obj_t mode) {
    const char *inner;
    mp_obj_t vfs = vfs_lookup(mp_obj_str_get_str(path_in), &inner);
    if (vfs == MP_OBJ_NULL) {
        mp_raise_OSError(MP_ENOENT);
    }
    mp_obj_t args[2] = {mp_obj_new_str(inner, strlen(inner)), mode};
    return call_method(vfs, MP_QSTR_open, 2, args);
}

// A reader over a file object's stream protocol, a buffer at a time. A read
// that comes back short marks the end of the file.
typedef struct _vfs_reader_t {
    mp_obj_t file;
    uint16_t size;  // buffer capacity
    uint16_t len;   // bytes the last read brought
    uint16_t pos;   // next byte to hand out
    byte buf[];
} vfs_reader_t;

static void vfs_reader_fill(vfs_reader_t *r) {
    int err;
    r->len = mp_stream_rw(r->file, r->buf, r->size, &err, MP_STREAM_RW_READ | MP_STREAM_RW_ONCE);
    r->pos = 0;
    if (err) {
        r->len = 0;
        mp_raise_OSError(err);
    }
}

static mp_uint_t vfs_reader_readbyte(void *data) {
    vfs_reader_t *r = data;
    if (r->pos == r->len) {
        if (r->len < r->size) {
            return MP_READER_EOF;
        }
        vfs_reader_fill(r);
        if (r->len == 0) {
            return MP_READER_EOF;
        }
    }
    return r->buf[r->pos++];
}

static void vfs_reader_close(void *data) {
    vfs_reader_t *r = data;
    mp_stream_close(r->file);
    m_del_var(vfs_reader_t, buf, byte, r->size, r);
}

void mp_reader_new_file(mp_reader_t *reader, qstr filename) {
    mp_obj_t file = vfs_open(MP_OBJ_NEW_QSTR(filename), MP_OBJ_NEW_QSTR(MP_QSTR_rb));
    const mp_stream_p_t *stream = mp_get_stream_raise(file, MP_STREAM_OP_READ | MP_STREAM_OP_IOCTL);
    // The file may name the buffer it suits (ioctl MP_STREAM_GET_BUFFER_SIZE).
    int err;
    mp_uint_t size = stream->ioctl(file, MP_STREAM_GET_BUFFER_SIZE, 0, &err);
    if (size == MP_STREAM_ERROR || size == 0) {
        size = VFS_READ_BUFFER;
    } else if (size > VFS_READ_BUFFER_MAX) {
        size = VFS_READ_BUFFER_MAX;
    }
    vfs_reader_t *r = m_new_obj_var(vfs_reader_t, buf, byte, size);
    r->file = file;
    r->size = size;
    vfs_reader_fill(r);
    reader->data = r;
    reader->readbyte = vfs_reader_readbyte;
    reader->close = vfs_reader_close;
}

// --- open() ----------------------------------------------------------------------

#if MICROPY_PY_IO
mp_obj_t mp_builtin_open(size_t n_args, const mp_obj_t *pos_args, mp_map_t *kw_args) {
    enum { ARG_file, ARG_mode, ARG_buffering, ARG_encoding };
    static const mp_arg_t allowed[] = {
        {MP_QSTR_file, MP_ARG_OBJ | MP_ARG_REQUIRED, {.u_rom_obj = MP_ROM_NONE}},
        {MP_QSTR_mode, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_QSTR(MP_QSTR_r)}},
        {MP_QSTR_buffering, MP_ARG_INT, {.u_int = -1}},
        {MP_QSTR_encoding, MP_ARG_OBJ, {.u_rom_obj = MP_ROM_NONE}},
    };
    mp_arg_val_t args[MP_ARRAY_SIZE(allowed)];
    mp_arg_parse_all(n_args, pos_args, kw_args, MP_ARRAY_SIZE(allowed), allowed, args);
    return vfs_open(args[ARG_file].u_obj, args[ARG_mode].u_obj);
}
MP_DEFINE_CONST_FUN_OBJ_KW(mp_builtin_open_obj, 1, mp_builtin_open);
#endif
