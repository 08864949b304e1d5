// A store of named helper modules for import, backed by the bundle blob the
// host sent (docs/protocol.md, "Bundles"). The port provides the two hooks
// MicroPython's importer calls for files: mp_import_stat says whether a path
// is a module file, a package folder or nothing, and mp_reader_new_file reads
// a module file. Both look only at the registered modules: there is no
// filesystem.
#include <string.h>

#include "py/builtin.h"
#include "py/mperrno.h"
#include "py/runtime.h"

#include "hil_modules.h"

#if HIL_MODULES

#define BUNDLE_MAGIC "HILB"
#define BUNDLE_MAGIC_LEN (4)

typedef struct _hil_module_t {
    const char *path; // "helper.mpy", "pkg/__init__.mpy"; not NUL-terminated
    size_t path_len;
    const uint8_t *data;
    size_t len;
} hil_module_t;

static hil_module_t modules[HIL_MODULES_MAX];
static size_t module_count;

void hil_modules_clear(void) {
    module_count = 0;
}

static uint32_t read_u32(const uint8_t *p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void malformed(void) {
    mp_raise_ValueError(MP_ERROR_TEXT("malformed bundle"));
}

size_t hil_modules_unpack(const uint8_t **blob, size_t *len) {
    module_count = 0;
    const uint8_t *p = *blob;
    const uint8_t *end = p + *len;
    if (*len < BUNDLE_MAGIC_LEN + 1 || memcmp(p, BUNDLE_MAGIC, BUNDLE_MAGIC_LEN) != 0) {
        return 0;
    }
    p += BUNDLE_MAGIC_LEN;
    size_t count = *p++;
    if (count > HIL_MODULES_MAX) {
        mp_raise_ValueError(MP_ERROR_TEXT("too many modules in bundle"));
    }
    for (size_t i = 0; i < count; i++) {
        // Every length is checked against what is left, so a damaged bundle
        // cannot point a module outside the blob.
        if (end - p < 1 || (size_t)(end - p - 1) < (size_t)p[0] + 4) {
            malformed();
        }
        hil_module_t *m = &modules[i];
        m->path_len = *p++;
        m->path = (const char *)p;
        p += m->path_len;
        m->len = read_u32(p);
        p += 4;
        if (m->path_len == 0 || m->len > (size_t)(end - p)) {
            malformed();
        }
        m->data = p;
        p += m->len;
    }
    module_count = count;
    *blob = p;
    *len = end - p;
    return count;
}

static const hil_module_t *find_module(const char *path, size_t len) {
    for (size_t i = 0; i < module_count; i++) {
        if (modules[i].path_len == len && memcmp(modules[i].path, path, len) == 0) {
            return &modules[i];
        }
    }
    return NULL;
}

mp_import_stat_t mp_import_stat(const char *path) {
    size_t len = strlen(path);
    if (find_module(path, len)) {
        return MP_IMPORT_STAT_FILE;
    }
    // A package is a folder: some module's path starts with "<path>/".
    for (size_t i = 0; i < module_count; i++) {
        if (modules[i].path_len > len && modules[i].path[len] == '/' && memcmp(modules[i].path, path, len) == 0) {
            return MP_IMPORT_STAT_DIR;
        }
    }
    return MP_IMPORT_STAT_NO_EXIST;
}

void mp_reader_new_file(mp_reader_t *reader, qstr filename) {
    size_t len;
    const char *path = (const char *)qstr_data(filename, &len);
    const hil_module_t *m = find_module(path, len);
    if (m == NULL) {
        mp_raise_OSError(MP_ENOENT);
    }
    hil_reader_init(reader, m_new_obj(hil_blob_reader_t), m->data, m->len);
}

#endif // HIL_MODULES
